#!/usr/bin/env bash
# `npm test`: every check, in order, stopping at the first that fails.
# Installs what is missing first (scripts/setup.sh), so a fresh clone needs nothing else.
#   npm test -- --from N   skips steps 2..N-1 while iterating (setup always runs)
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/node_modules/.bin:$PATH"
# Debian's driver and browser; wasm-pack would otherwise try to download a driver.
export CHROMEDRIVER=/usr/bin/chromedriver
# Per-test limit for wasm-bindgen-test in the browser (its default, 20 s, is short for
# the long randomized test in an unoptimized build).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"

STEPS=14
FROM=1
if [ "${1:-}" = --from ]; then FROM=${2:?--from needs a step number}; fi
n=0
started=$SECONDS

# step NAME COMMAND...: runs one check; on failure names it and exits with its status.
step() {
  local name=$1
  shift
  n=$((n + 1))
  if [ "$n" -gt 1 ] && [ "$n" -lt "$FROM" ]; then
    printf '\n--- [%d/%d] %s: skipped (--from %d)\n' "$n" "$STEPS" "$name" "$FROM"
    return 0
  fi
  printf '\n==> [%d/%d] %s\n' "$n" "$STEPS" "$name"
  local t=$SECONDS status=0
  "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    printf '\nnpm test: FAILED at step %d/%d "%s" (exit %d)\n' "$n" "$STEPS" "$name" "$status" >&2
    exit "$status"
  fi
  printf '<== %s: ok (%ds)\n' "$name" $((SECONDS - t))
}

# The tests in tests/wasm_*.rs run in the browser only if the runner is told to: a
# binary without `wasm_bindgen_test_configure!(run_in_browser)` is otherwise skipped in
# the browser run with exit status 0, i.e. silently. WASM_BINDGEN_USE_BROWSER makes
# the same tests run in both Node and Chrome; webdriver.json (crate root) adds Chrome's
# flags, and the runner itself adds --headless and --no-sandbox (needed as root).
wasm_test_chrome() {
  WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER"
}

# Every tests/e2e/*.test.mjs (the demo's end-to-end tests), if there are any yet.
e2e() {
  local files=(tests/e2e/*.test.mjs)
  if [ ! -e "${files[0]}" ]; then
    echo "no tests/e2e/*.test.mjs yet"
    return 0
  fi
  node --test "${files[@]}"
}

step "setup (installs what is missing)" bash scripts/setup.sh
step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy (native)" cargo clippy --all-targets -- -D warnings
step "cargo test (native)" cargo test
step "cargo clippy (wasm32)" cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
step "cargo doc (a broken or private link is an error)" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items
step "wasm-pack test --node" wasm-pack test --node
step "wasm-pack test --headless --chrome" wasm_test_chrome
step "npm run build (release package)" env MEMORY_PLAYER_SETUP_DONE=1 bash scripts/build.sh
step "tsc --noEmit -p tests/types" tsc --noEmit -p tests/types
step "README examples, the benchmark's plain-JS reference, blind comparison and hold-out listeners, the importer, free(), the fast path for numbers" node --test tests/readme/readme.test.mjs bench/plain.test.mjs bench/blind/compare.test.mjs bench/blind/holdout.test.mjs tests/import/import.test.mjs tests/lifecycle/free.test.mjs tests/lifecycle/numbers.test.mjs
step "profiles in Node: the state's parts; directory profiles (two processes, a writer killed mid-write)" node --test tests/node/profile-state.test.mjs tests/node/profile-files.test.mjs
step "consumer matrix (packed tarball in Node, Bun, Deno, TypeScript, five bundlers, workers, Chromium)" node --test tests/consumer/run.mjs
step "demo end-to-end tests (tests/e2e)" e2e

elapsed=$(printf '%dm%02ds' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)))
if [ "$FROM" -gt 2 ]; then
  printf '\nnpm test: steps %d-%d passed in %s (steps 2-%d skipped: not a full run)\n' "$FROM" "$STEPS" "$elapsed" $((FROM - 1))
else
  printf '\nnpm test: all %d steps passed in %s\n' "$STEPS" "$elapsed"
fi
