//! memory-player: an on-device "what should play next" engine that learns from the listener.
//!
//! The crate has three layers, and data flows down only:
//! - [`model`]: pure data and rules (graphs, selector, playback chain, PRNG), no async, no clock;
//! - [`engine`]: the [`engine::Orchestrator`] and its three managers, async on a single-threaded
//!   executor given to it, with time from a [`engine::Clock`] given to it;
//! - `wasm` (only on `wasm32`): the thin JavaScript binding, which validates input and converts
//!   values, and holds no rule of its own.

pub mod engine;
pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
