// Source of the "." entry (and "memory-player/inline"): the wasm embedded, initialised
// synchronously on import. scripts/entries.mjs bundles this file with the glue, the profile
// module and the wasm into pkg/inline/memory_player.js (ESM) and .cjs (CommonJS), which are
// what the package ships; this file itself is not shipped. The wasm travels as base64: a
// third larger raw, and about 40 % larger gzipped than the .wasm file (base64 hides some of
// its repeats from gzip). Deflating it first would save 16 KB gzipped, but a JS inflate
// costs 20-40 ms at every page load (measured in Chromium here), while the download is
// cached: plain base64 it is, decoded in about a millisecond.
//
// Why embedded and synchronous: nothing to copy or fetch, so every bundler works with its
// defaults (esbuild and Rollup do not emit `new URL(…, import.meta.url)` assets), and no
// top-level await, so Vite's iife workers, service workers, CommonJS and a module worker that
// sets onmessage after its imports all work. Bundling also leaves out the glue's async
// init(), the only code that mentions import.meta.
import { initSync, Orchestrator } from "../pkg/web/memory_player.js";
import { installProfiles } from "./profile.js";
import base64 from "../pkg/inline/wasm_base64.js";

initSync({ module: decode(base64) });
// Orchestrator.open / deleteProfile / flush: listener profiles in IndexedDB.
installProfiles(Orchestrator);

export * from "../pkg/web/memory_player.js";

/** Base64 to bytes. atob exists in every browser, worker, Node ≥ 16, Deno and Bun. */
function decode(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}
