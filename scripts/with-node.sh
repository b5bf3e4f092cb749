#!/usr/bin/env bash
# Runs a command with Node >= 22 on PATH. Moleculer 0.15 needs Node 22+, and some
# machines ship an older Node: then Node 24 is installed once from the npm
# registry (package `node@24`) into a cache folder and put first on PATH.
set -euo pipefail
need_major=22
cache="${NODE24_CACHE:-$HOME/.cache/hospital-engine/node24}"

current_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(current_major)" -lt "$need_major" ]; then
  if [ ! -x "$cache/node_modules/.bin/node" ]; then
    echo "with-node: system Node is older than $need_major; installing node@24 into $cache" >&2
    mkdir -p "$cache"
    (cd "$cache" && [ -f package.json ] || echo '{"name":"node24-cache","private":true}' > "$cache/package.json")
    npm install --prefix "$cache" --no-audit --no-fund --no-save node@24 >&2
  fi
  export PATH="$cache/node_modules/.bin:$PATH"
fi
[ "$(current_major)" -ge "$need_major" ] || { echo "with-node: could not provide Node >= $need_major" >&2; exit 1; }
exec "$@"
