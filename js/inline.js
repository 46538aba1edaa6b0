// Source of the "." entry: the wasm embedded, initialised synchronously on import.
// scripts/entries.mjs bundles this file with the glue, the profile module, fflate's inflate
// and the wasm into pkg/inline/memory_player.js (ESM) and .cjs (CommonJS), which are what the
// package ships; this file itself is not shipped.
//
// Why embedded and synchronous: nothing to copy or fetch, so every bundler works with its
// defaults (esbuild and Rollup do not emit `new URL(…, import.meta.url)` assets), and no
// top-level await, so Vite's iife workers, service workers, CommonJS and a module worker that
// sets onmessage after its imports all work. Bundling also leaves out the glue's async
// init(), the only code that mentions import.meta.
//
// Why deflated: base64 hides most of the wasm's repeats from gzip, so the wasm in plain base64
// would cost about 30 % more download, gzipped, than the .wasm file. Deflated first (by zopfli,
// which gets 5 % more out of the same format than zlib), the text is a little less than the
// gzipped .wasm, and fflate's inflateSync adds 2 KB. The price is
// the inflate at each load: native and quick in Node, Bun and Deno; in a browser, JavaScript:
// 30-50 ms for 200 KB of wasm in Chromium here. `memory-player/fetch` avoids both costs where
// an asynchronous start is fine.
import { inflateSync } from "fflate";
import { initSync, Orchestrator } from "../pkg/web/memory_player.js";
import { installProfiles } from "./profile.js";
import deflated from "../pkg/inline/wasm_deflated_base64.js";

initSync({ module: inflate(decodeBase64(deflated)) });
// Orchestrator.open / deleteProfile / flush: listener profiles in IndexedDB.
installProfiles(Orchestrator);

export * from "../pkg/web/memory_player.js";

/** Raw deflate to bytes: the runtime's zlib where there is one (Node ≥ 20.16, Bun, Deno). */
function inflate(bytes) {
  const zlib = globalThis.process?.getBuiltinModule?.("zlib");
  return zlib ? zlib.inflateRawSync(bytes) : inflateSync(bytes);
}

/** Base64 to bytes. atob exists in every browser, worker, Node ≥ 16, Deno and Bun. */
function decodeBase64(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}
