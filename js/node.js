// Entry for Node (the "node" export condition).
// The wasm-bindgen "web" build fetches its .wasm by URL, which Node's fetch cannot do
// for file: URLs, so read the bytes from disk and instantiate synchronously: importers
// get a ready module with no init() call.
import { readFileSync } from "node:fs";
import { initSync, Orchestrator } from "../pkg/web/memory_player.js";
import { installProfiles } from "./profile.js";

initSync({ module: readFileSync(new URL("../pkg/web/memory_player_bg.wasm", import.meta.url)) });
// Same API as in browsers; Orchestrator.open rejects unless IndexedDB exists (a polyfill).
installProfiles(Orchestrator);

export * from "../pkg/web/memory_player.js";
