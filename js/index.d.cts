// Types of the "." entry for require() and for TypeScript's `.cts` files: the same
// declarations as js/index.d.ts, read as CommonJS (see pkg/inline/memory_player.cjs).
export * from "../pkg/types/memory_player.cjs";
