#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repo, once per version.
# n8n-nodes-base pulls xlsx from a CDN this machine cannot reach, so the harness (never our package)
# overrides it with the registry's 0.18.5. sqlite3 compiles from source (no prebuilt download here).
#   N8N_VERSION   default 2.8.4 (the newest n8n that runs on Node 20)
#   N8N_CACHE_DIR default ~/.cache/n8n-nodes-ultimaker
# Prints the n8n binary path as the last line.
set -euo pipefail
version="${N8N_VERSION:-2.8.4}"
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-ultimaker}"
dir="$cache/n8n-$version"
bin="$dir/node_modules/.bin/n8n"
if [ -f "$dir/.complete" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
echo "Installing n8n $version into $dir (first run only: about 4-5 minutes, 2.3 GB)..." >&2
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
cat > package.json <<JSON
{ "name": "n8n-harness", "private": true, "version": "0.0.0", "overrides": { "xlsx": "0.18.5" } }
JSON
npm install "n8n@$version" --ignore-scripts=false --no-audit --no-fund --loglevel=error >&2
touch .complete
echo "n8n $version installed." >&2
echo "$bin"
