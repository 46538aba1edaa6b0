//! The engine: the [`Orchestrator`] and its three managers.
//!
//! Architecture invariant: the engine knows async (futures) but not the browser. Its caller
//! hands it a spawner ([`futures::task::LocalSpawn`]) and a [`Clock`]; natively the tests use a
//! `LocalPool` and a [`ManualClock`], the wasm layer `spawn_local` and `setTimeout`.

mod clock;
mod delta;
mod error;
mod events;
mod graphs;
mod history;
mod lessons;
mod lifecycle;
mod managers;
mod options;
mod orchestrator;
mod persist;
mod playback;
mod running;
mod snapshot;
mod validate;

pub use clock::{Clock, ManualClock};
pub use delta::{merge_rows, Delta, SaveMark};
pub use error::EngineError;
pub use events::{Event, LearnKind, PlaySource, Subscription};
pub use history::{HistoryPlay, HistoryReport, Refusal};
pub use lifecycle::Stopped;
pub use managers::{DIFF_LIMIT_REASON, TTL_REASON};
pub use options::{spec, Kind, OptionError, Options, Policy, Spec, Value, MAX_SAFE, OPTIONS};
pub use orchestrator::{Build, Orchestrator};
pub use snapshot::{
    BuildSnapshot, ChainSnapshot, HistoryEnd, SavedRow, Snapshot, SnapshotError, MAX_QUEUE,
    SNAPSHOT_VERSION,
};
