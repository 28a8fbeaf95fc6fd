#!/usr/bin/env bash
# Installs n8n's own package tools (the scanner n8n's verification runs, and n8n-node for its strict lint and
# cloud-support check) into cache folders outside the repo, once per pinned version (scripts/versions.json).
# They are big (node-cli ~700 MB, scanner ~220 MB) and never part of the package's or the demo's npm install.
#   N8N_CACHE_DIR   default ~/.cache/n8n-nodes-ultimaker
#   TOOL            install only this package (e.g. @n8n/node-cli); default: every tool in versions.json
# Prints "<package> <folder>" for each tool, one per line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-ultimaker}"
tools="$(node -e '
  const tools = require(process.argv[1]).tools;
  for (const [name, version] of Object.entries(tools)) console.log(name + " " + version);
' "$here/versions.json")"

while read -r name version; do
  [ -n "${TOOL:-}" ] && [ "$TOOL" != "$name" ] && continue
  # @n8n/node-cli 0.48.3 -> tools-node-cli-0.48.3
  dir="$cache/tools-${name##*/}-$version"
  bash "$here/lib/cached-install.sh" "$dir" "$name@$version"
  echo "$name $dir"
done <<< "$tools"
