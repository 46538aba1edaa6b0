#!/usr/bin/env bash
# `npm run build`: the release npm package. One wasm build for the web target in pkg/web;
# js/node.js and js/browser.js wrap it (see package.json "exports"). Prints the size of
# what a web app downloads and writes it to pkg/size.json.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build] %s\n' "$*" >&2; }

# Idempotent and quick when everything is installed; test.sh has just run it.
[ "${MEMORY_PLAYER_SETUP_DONE:-0}" = 1 ] || bash scripts/setup.sh

# binaryen's wasm-opt from npm, not Debian's (too old for current Rust output).
export PATH="$PWD/node_modules/.bin:$PATH"

out=pkg/web
wasm="$out/memory_player_bg.wasm"
rm -rf "$out"

# --no-opt: wasm-opt runs below, explicitly, so that it cannot be skipped silently and
# its effect is printed. --no-pack/--no-gitignore: the root package.json is the package;
# a nested package.json or a `*` .gitignore would only confuse npm.
log "wasm-pack build --release --target web"
wasm-pack build --release --target web --out-dir "$out" --no-pack --no-gitignore --no-opt

# Features come from the module's target_features section (what rustc enabled), so
# wasm-opt needs no --enable-* flags and never emits more than the input used.
before=$(stat -c %s "$wasm")
log "wasm-opt -Oz $(wasm-opt --version)"
wasm-opt -Oz "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
log "wasm-opt: $before -> $(stat -c %s "$wasm") bytes"

# wasm-pack copies the crate's README and LICENSE here; the package ships its own.
rm -f "$out/README.md" "$out/LICENSE" "$out"/LICENSE-*

node scripts/size.mjs
