//! Snapshots: everything needed to resume an engine exactly, as plain data. The checks a
//! snapshot must pass before anything is restored from it are in `validate.rs`.

use std::fmt;

use super::Options;
use crate::model::{Breadth, Learned, Replay, TasteParts, TrackId};

/// The snapshot format this version writes. Version 1 (before the adaptive policy: no
/// `taste`) still restores, with nothing learned at the track level yet.
pub const SNAPSHOT_VERSION: u32 = 2;

/// The longest queue the engine keeps, and restores.
pub const MAX_QUEUE: usize = 100_000;

// The limits, spelled out: formatting them would weigh more in the wasm than the text (a
// unit test checks the text against the constants).
pub(crate) const TOO_MANY_TRACKS: &str = "more than 2000000 tracks";
pub(crate) const TOO_MANY_EDGES: &str = "more than 20000000 edges";

/// A row as saved: `(target, weight)` in ascending target order.
pub type SavedRow = Vec<(TrackId, f64)>;

/// The whole state of an orchestrator. Restoring it and going on gives the same picks, lessons
/// and rebuilds as going on without the save.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub options: Options,
    /// Every known track (and the start node) with its row, ascending; empty rows included.
    pub base: Vec<(TrackId, SavedRow)>,
    pub build: BuildSnapshot,
    pub chain: ChainSnapshot,
    /// Plays recorded, and the last play of each track that played.
    pub plays: u64,
    pub last_played: Vec<(TrackId, u64)>,
    pub rng_state: u64,
    pub pending_cooldown_steps: u32,
    /// The listener's answers (`None` in a version 1 snapshot).
    pub taste: Option<TasteParts>,
    /// How the current track's play relates to its previous play.
    pub replay: Replay,
    /// How the current track was drawn, when it is a generated pick of the adaptive policy.
    pub drawn: Option<Breadth>,
    /// The listener's queue, next first.
    pub queue: Vec<TrackId>,
    /// The last play `learn_history` learned: its track and when it ended (ms since the
    /// epoch), so that a history given in several calls goes on in one session.
    pub history: Option<HistoryEnd>,
}

/// Where the last history imported ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryEnd {
    pub id: TrackId,
    /// When it started and when it ended, in milliseconds since the epoch.
    pub start: f64,
    pub end: f64,
}

/// The current build: its identity, what it learned, and where its base snapshot differs from
/// the live base graph (edited since the build): `None` is a row the build does not have.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildSnapshot {
    pub version: u64,
    pub reason: String,
    pub built_at: f64,
    pub diffs: u64,
    pub base_changes: Vec<(TrackId, Option<SavedRow>)>,
    /// Per source, ascending; each row ascending by target.
    pub learned: Vec<(TrackId, Vec<Learned>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainSnapshot {
    /// Oldest first.
    pub back: Vec<TrackId>,
    pub current: Option<TrackId>,
    /// The last element is the next forward step.
    pub forward: Vec<TrackId>,
    pub learning_frozen: bool,
    pub current_removed: bool,
}

/// Why a snapshot was refused: where, and what is wrong. Nothing is restored from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError {
    /// The part of the snapshot, e.g. `base` or `build.learned`.
    pub part: &'static str,
    pub problem: String,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "snapshot.{}: {}", self.part, self.problem)
    }
}

impl std::error::Error for SnapshotError {}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineError, MAX_QUEUE};
    use crate::model::{ModelError, MAX_EDGES, MAX_TRACKS};

    #[test]
    fn messages_spell_the_limits_right() {
        assert_eq!(TOO_MANY_TRACKS, format!("more than {MAX_TRACKS} tracks"));
        assert_eq!(TOO_MANY_EDGES, format!("more than {MAX_EDGES} edges"));
        let full = ModelError::Full.to_string();
        assert!(full.contains(&format!("{MAX_EDGES} edges and {MAX_TRACKS} tracks")));
        let queue = EngineError::QueueFull.to_string();
        assert!(queue.contains(&format!("{MAX_QUEUE} tracks")));
    }
}
