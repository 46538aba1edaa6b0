//! The JavaScript binding: converts and validates JS values, then calls the engine.
//!
//! Architecture invariant: this is the only module that knows about JavaScript, and it holds no
//! rule of the engine. Every argument from JS is checked here and refused with a `TypeError` or
//! `RangeError` that names it; nothing JS can pass reaches a panic.

mod alloc;
mod arrays;
mod base_graph;
mod delta;
mod edge_changes;
mod error;
mod events;
mod history;
mod js;
mod options;
mod orchestrator;
mod runtime;
mod runtime_graph;
mod slot;
mod snapshot;
mod types;
mod values;

use wasm_bindgen::prelude::*;

/// The current size of the wasm linear memory in bytes, for measuring what the engine holds.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

pub use base_graph::BaseGraph;
pub use delta::SaveMark;
pub use orchestrator::Orchestrator;
pub use runtime_graph::RuntimeGraph;
