#!/usr/bin/env bash
# `npm run build`: the release npm package. One wasm build for the web target in pkg/web;
# scripts/entries.mjs bundles it, wasm embedded, into the default entry (pkg/inline, ESM and
# CommonJS) and writes the API's declarations (pkg/types); js/browser.js wraps pkg/web as is
# (see package.json "exports"). Prints the size of what a web app downloads and writes it
# to pkg/size.json.
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
# --zero-filled-memory and --low-memory-unused state what holds for this module (fresh
# memory is zeroed; Rust places nothing in the first KiB) and let it fold a little more.
#
# What is smallest gzipped, which is what is downloaded, is not what is smallest raw: with
# -Oz binaryen inlines every function that has one caller, which saves the calls but
# (probably) turns small functions with the same shapes and local numbering into big ones
# in which gzip finds fewer repeats. Measured on this crate (wasm 132), inlining one-caller
# functions only up to size 16 (binaryen's measure): 4 KB larger raw, 6.2 KB smaller
# gzipped; -Os with the same limit is 0.3 KB smaller gzipped than -Oz. After a first -Os,
# flattening the code and rebuilding its control flow (--flatten --rereloop) lets the next
# rounds fold more; twice, then --gufa: 0.5 KB smaller gzipped than -Os --converge (a third
# round gains nothing), with no pick, feedback or bulk load measurably slower (alternating
# bench runs; callgrind counts the same 3.0-3.2 G instructions for a Node process loading
# 500 000 edges and making 100 000 picks and feedbacks, either way). The sections
# stripped at the end (the producers and the target features) are read by nothing at run
# time.
log "wasm-opt -Os $(wasm-opt --version)"
wasm-opt -Os --flatten --rereloop -Os -Os --flatten --rereloop -Os -Os --gufa -Os \
  --one-caller-inline-max-function-size=16 \
  --zero-filled-memory --low-memory-unused \
  --strip-producers --strip-target-features "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
log "wasm-opt: $before -> $(stat -c %s "$wasm") bytes"

# One- and two-letter names for the wasm's imports and exports, in the .wasm and the glue.
node scripts/short-names.mjs "$wasm" "$out/memory_player.js"

# free() and [Symbol.dispose]() that release the engine (see js/lifecycle.js), and the hot
# calls' fast path for numbers (js/numbers.js), appended to the glue so that every entry has
# them, the raw "memory-player/web" build included.
glue="$out/memory_player.js"
grep -q "^export class Orchestrator\b" "$glue" || { echo "build: no Orchestrator class in $glue" >&2; exit 1; }
cat js/lifecycle.js js/numbers.js >> "$glue"

# The JS glue, minified as a web app's bundler would ship it: its doc comments and long
# names are a third of its size. rolldown (Vite's bundler, already a dev dependency) also
# inlines the small inline_js snippet, so the glue is one self-contained module.
rolldown "$glue" --format esm --minify --platform neutral --file "$glue.min" --log-level warn
mv "$glue.min" "$glue"
rm -rf "$out/snippets"

# The default entry (wasm embedded, initialised synchronously) and the API's declarations.
log "entries: pkg/inline (ESM, CommonJS), pkg/types"
node scripts/entries.mjs

# wasm-pack copies the crate's README and LICENSE here; the package ships its own.
rm -f "$out/README.md" "$out/LICENSE" "$out"/LICENSE-*

node scripts/size.mjs
