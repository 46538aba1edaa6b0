//! The pure core: plain data and the rules over it.
//!
//! Architecture invariant: nothing here knows about wasm, async or a clock. Everything is
//! deterministic given its inputs (iteration is in id order, never in hash order), so the same
//! seed and the same calls give the same picks on every platform.

mod adaptive;
mod base_graph;
mod chain;
mod chunked_map;
mod draw;
mod error;
mod next;
mod num;
mod recency;
mod rng;
mod row;
mod runtime_graph;
mod selector;
mod table;
mod taste;

pub use adaptive::{
    choose_adaptive, explain_adaptive, repeat_window, AdaptiveConfig, Pick, Scored,
};
pub use base_graph::{BaseGraph, Growth, Room};
pub use chain::PlaybackChain;
pub use draw::{Draw, Rules};
pub(crate) use error::{check_edge, check_target};
pub use error::{is_amount, ModelError, AMOUNT_RANGE};
pub use next::{choose_next, explain_next, Explained, Explanation, PickConfig};
pub(crate) use num::at_most;
pub use recency::Recency;
pub use rng::Rng;
pub use row::{Row, RowError};
pub use runtime_graph::{EdgeView, Learned, RuntimeGraph};
pub use selector::{gini, select, Candidate, SelectorConfig};
pub use taste::{
    gap_bucket, AffinityParts, Answer, Breadth, Evidence, Replay, Taste, TasteParts, AFFINITY_DIM,
    GAP_BOUNDS,
};

/// Sorts `(id, value)` pairs: every sort in the crate goes through this one instantiation, so
/// the wasm carries one sort (each instantiation of the standard sorts weighs kilobytes).
pub(crate) fn sort_pairs(pairs: &mut [(TrackId, u64)]) {
    pairs.sort_unstable();
}

/// A track id. `0` is [`START`], the node "nothing playing yet".
pub type TrackId = u32;

/// The start node: its row holds how often each track was arrived at from anywhere.
pub const START: TrackId = 0;

/// The largest amount one call may add or take away.
pub const MAX_AMOUNT: f64 = 1e9;

/// The largest weight an edge, a bonus or a penalty can reach: adding saturates here, so every
/// weight stays finite, and exact for whole numbers (below 2^53), however many calls a listener
/// makes, and a row's total stays finite. A snapshot holding a larger weight is refused.
pub const MAX_WEIGHT: f64 = 1e15;

/// The most edges the engine holds (the start row's included): growth past it is refused, and
/// so is a snapshot with more. One limit for both, so whatever the engine holds it restores.
pub const MAX_EDGES: usize = 20_000_000;

/// The most tracks the engine knows: growth past it is refused, and so is a snapshot with more.
pub const MAX_TRACKS: usize = 2_000_000;
