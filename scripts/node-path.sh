#!/usr/bin/env bash
# Prints the folder whose `node` should come first on PATH to install this project (`npm ci`
# needs Node 22 or newer: package.json's engines, enforced by .npmrc's engine-strict).
# Where the machine's node is new enough, that is its own folder. Where it is older (Node 20 on
# the CI machine), the project's own Node (the version of the `node` devDependency in
# package-lock.json, the same one `npm ci` then installs) is installed into .node24/ first, by the
# machine's npm, which the older Node still runs.
#
#   export PATH="$(bash scripts/node-path.sh):$PATH" && npm ci
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
need=22

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major >= need)); then
  dirname "$(command -v node)"
  exit 0
fi

version=$(node -p 'require(process.argv[1]).packages["node_modules/node"].version' "$root/package-lock.json")
bin="$root/.node24/node_modules/.bin"
if [[ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]]; then
  echo "[node-path] node $(node --version 2>/dev/null || echo missing) is older than $need: installing Node $version into .node24/" >&2
  mkdir -p "$root/.node24"
  # Its own tiny project, so that the one install script it needs (the package's preinstall, which
  # fetches the binary for this platform) is approved the way npm asks for, in allowScripts.
  printf '{"private": true, "dependencies": {"node": "%s"}, "allowScripts": {"node": true}}\n' "$version" \
    >"$root/.node24/package.json"
  npm install --prefix "$root/.node24" --no-audit --no-fund --no-package-lock >&2
fi
echo "$bin"
