//! The pure core: plain data and the rules over it.
//!
//! Architecture invariant: nothing here knows about wasm, async or a clock. Everything is
//! deterministic given its inputs (iteration is in id order, never in hash order), so the same
//! seed and the same calls give the same picks on every platform.

mod adaptive;
mod base_graph;
mod chain;
mod chunked_map;
mod error;
mod next;
mod recency;
mod rng;
mod row;
mod runtime_graph;
mod selector;
mod taste;

pub use adaptive::{
    choose_adaptive, explain_adaptive, repeat_window, AdaptiveConfig, Pick, Scored,
};
pub use base_graph::BaseGraph;
pub use chain::PlaybackChain;
pub(crate) use error::check_edge;
pub use error::ModelError;
pub use next::{choose_next, explain_next, Explained, Explanation, PickConfig};
pub use recency::Recency;
pub use rng::Rng;
pub use row::Row;
pub use runtime_graph::{EdgeView, Learned, RuntimeGraph};
pub use selector::{gini, select, Candidate, SelectorConfig};
pub use taste::{gap_bucket, Answer, Evidence, Replay, Taste, TasteParts, GAP_BOUNDS};

/// A track id. `0` is [`START`], the node "nothing playing yet".
pub type TrackId = u32;

/// The start node: its row holds how often each track was arrived at from anywhere.
pub const START: TrackId = 0;

/// The largest amount one call may add or take away. It keeps every weight finite (and exact
/// for whole numbers) however many calls a listener makes.
pub const MAX_AMOUNT: f64 = 1e9;
