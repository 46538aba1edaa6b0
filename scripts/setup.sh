#!/usr/bin/env bash
# Installs everything the build and the tests need, and skips what is already there,
# so it is quick to run again. Only the package registries are reachable here: nothing
# downloads a browser or a prebuilt binary from anywhere else.
#   SKIP_BROWSER=1  leave out Chromium (for a build-only machine)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

WASM_PACK_VERSION=0.15.1 # the version the scripts were checked with

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || die "Node.js 20 or later is needed (found: $(node --version 2>/dev/null || echo none))"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "adding the $component component"
    rustup component add "$component"
  fi
done

if ! command -v wasm-pack >/dev/null 2>&1; then
  # On first use wasm-pack also builds the wasm-bindgen CLI matching the crate's pinned
  # wasm-bindgen (cargo install, a few minutes, cached in ~/.cache/.wasm-pack).
  log "installing wasm-pack $WASM_PACK_VERSION (a few minutes, once)"
  cargo install wasm-pack --locked --version "$WASM_PACK_VERSION"
fi

# Debian packages: zopfli for the build (scripts/entries.mjs deflates the embedded wasm with
# it), chromium and chromium-driver for the tests (unless SKIP_BROWSER=1).
debs=()
command -v zopfli >/dev/null 2>&1 || debs+=(zopfli)
if [ "${SKIP_BROWSER:-0}" != 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  debs+=(chromium chromium-driver)
fi
if [ "${#debs[@]}" -gt 0 ]; then
  log "installing Debian's ${debs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another process installing packages holds dpkg's lock: wait for it (up to 10 minutes)
  # rather than fail at once.
  apt_wait=(-o DPkg::Lock::Timeout=600)
  apt-get "${apt_wait[@]}" update -qq
  apt-get "${apt_wait[@]}" install -y -qq "${debs[@]}" >/dev/null
fi

# npm dependencies (binaryen's wasm-opt, playwright-core, typescript, vite), exactly as
# locked. A stamp of the lock file's hash tells whether node_modules matches it.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.memory-player-lock-hash
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
fi
