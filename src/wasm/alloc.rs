//! The global allocator of the wasm build: talc, an allocator made for wasm, instead of Rust's
//! default (dlmalloc).
//!
//! Measured on this crate: the module is 2.2 KB smaller gzipped (`scripts/build.sh`), and
//! building a graph of 5 million edges (`node bench/run.mjs --child=memory --impl=wasm
//! --size=100000`) took 13 s instead of 17 s and 17.4 bytes of wasm memory per edge instead of
//! 18.7.
//!
//! dlmalloc needed a wrapper that grew the memory an eighth at a time: it asked for a few pages
//! at a time, and in V8 every `memory.grow` costs a new `ArrayBuffer` and a report of external
//! memory that sets off garbage collections, which took two thirds of that build's time. talc
//! grows the memory by what the allocation in hand needs and grows blocks in place, and the
//! same wrapper around it (as a talc `Source`) was no faster.

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
