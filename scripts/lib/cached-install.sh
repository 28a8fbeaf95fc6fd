#!/usr/bin/env bash
# Installs npm packages into a folder of their own outside the repo, once: a finished install is marked with
# .complete, and one installer works on a folder at a time (.ci/run installs in parallel, a test may ask at the
# same time). --ignore-scripts: nothing installed this way needs an install script.
#   bash scripts/lib/cached-install.sh <folder> <package@version>...
set -euo pipefail
dir="$1"
shift
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
command -v flock >/dev/null && flock 9
if [ ! -f "$dir/.complete" ]; then
  echo "Installing $* into $dir (first run only)..." >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{ "name": "cached-install", "private": true, "version": "0.0.0" }' > "$dir/package.json"
  (cd "$dir" && npm install "$@" --save-exact --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null >&2)
  touch "$dir/.complete"
fi
