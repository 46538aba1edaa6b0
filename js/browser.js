// Entry for browsers and bundlers (the "default" export condition).
// init() with no argument loads `new URL("memory_player_bg.wasm", import.meta.url)`;
// bundlers (Vite, webpack 5, Rollup plugins) see that pattern and copy the .wasm into
// the build. The top-level await means importers get a ready module with no init() call.
import init, { Orchestrator } from "../pkg/web/memory_player.js";
import { installProfiles } from "./profile.js";

await init();
// Orchestrator.open / deleteProfile / flush: listener profiles in IndexedDB.
installProfiles(Orchestrator);

export * from "../pkg/web/memory_player.js";
