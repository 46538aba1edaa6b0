// Types of the "." entry (import): the API as the wasm-bindgen build declares it, without
// init()/initSync(), which the entry calls itself. pkg/types is made by scripts/entries.mjs;
// it names no DOM type, so this checks with or without the DOM lib. It also brings the type
// of Symbol.dispose (every class declares [Symbol.dispose]()) to a tsconfig whose "lib"
// stops at es2022, as most web apps' do.
export * from "../pkg/types/memory_player.js";
