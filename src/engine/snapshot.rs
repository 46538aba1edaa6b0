//! Snapshots: everything needed to resume an engine exactly, as plain data, and the checks a
//! snapshot must pass before anything is restored from it.

use std::fmt;

use super::Options;
use crate::model::{
    BaseGraph, Learned, PlaybackChain, Recency, Replay, Row, RuntimeGraph, Taste, TasteParts,
    TrackId, MAX_AMOUNT, START,
};

/// The snapshot format this version writes. Version 1 (before the adaptive policy: no
/// `taste`) still restores, with nothing learned at the track level yet.
pub const SNAPSHOT_VERSION: u32 = 2;

/// At most this many edges (base rows plus the build's changed rows) are restored: a snapshot
/// larger than any real listener's graph is refused rather than allowed to exhaust memory.
pub const MAX_SNAPSHOT_EDGES: usize = 20_000_000;

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

fn refuse<T>(part: &'static str, problem: impl Into<String>) -> Result<T, SnapshotError> {
    Err(SnapshotError {
        part,
        problem: problem.into(),
    })
}

/// Rows in strictly ascending source order, each a valid [`Row`], within the edge budget.
fn rows<'a>(
    part: &'static str,
    saved: impl Iterator<Item = (TrackId, Option<&'a SavedRow>)>,
    budget: &mut usize,
) -> Result<Vec<(TrackId, Option<Row>)>, SnapshotError> {
    let mut out: Vec<(TrackId, Option<Row>)> = Vec::new();
    for (from, row) in saved {
        if out.last().is_some_and(|(last, _)| *last >= from) {
            return refuse(part, format!("track {from} is out of order or duplicated"));
        }
        let row = match row {
            Some(pairs) => {
                *budget = budget.checked_sub(pairs.len()).ok_or(SnapshotError {
                    part,
                    problem: format!("more than {MAX_SNAPSHOT_EDGES} edges"),
                })?;
                let row = Row::from_sorted(pairs.iter().copied()).map_err(|i| SnapshotError {
                    part,
                    problem: format!(
                        "row of track {from}: edge {i} has its target out of order or duplicated, or a weight that is not a finite number >= 0"
                    ),
                })?;
                if row.get(START).is_some() {
                    return refuse(
                        part,
                        format!("row of track {from} has an edge to the start node 0"),
                    );
                }
                Some(row)
            }
            None => None,
        };
        out.push((from, row));
    }
    Ok(out)
}

/// Every target of every row must be a known track.
fn targets_known(part: &'static str, graph: &BaseGraph) -> Result<(), SnapshotError> {
    for (from, row) in graph.rows() {
        if let Some((to, _)) = row.iter().find(|(to, _)| !graph.contains(*to)) {
            return refuse(
                part,
                format!("edge {from} -> {to} leads to a track that is not in the graph"),
            );
        }
    }
    Ok(())
}

fn known(part: &'static str, graph: &BaseGraph, id: TrackId) -> Result<(), SnapshotError> {
    if graph.contains(id) {
        Ok(())
    } else {
        refuse(part, format!("track {id} is not in the graph"))
    }
}

/// What a valid snapshot restores into.
pub(crate) struct Restored {
    pub(crate) base: BaseGraph,
    pub(crate) build: RuntimeGraph,
    pub(crate) chain: PlaybackChain,
    pub(crate) recency: Recency,
    pub(crate) taste: Taste,
    pub(crate) replay: Replay,
}

impl Snapshot {
    /// Checks every part and builds the model from it; the first problem refuses it whole.
    pub(crate) fn validate(&self) -> Result<Restored, SnapshotError> {
        self.options.validate().map_err(|e| SnapshotError {
            part: "options",
            problem: e.to_string(),
        })?;
        let mut budget = MAX_SNAPSHOT_EDGES;

        let mut base = BaseGraph::new();
        let base_rows = rows(
            "base",
            self.base.iter().map(|(id, row)| (*id, Some(row))),
            &mut budget,
        )?;
        for (id, _) in &base_rows {
            base.note_track(*id);
        }
        for (id, row) in base_rows {
            if let Some(row) = row {
                base.set_row(id, row);
            }
        }
        targets_known("base", &base)?;

        let b = &self.build;
        if !b.built_at.is_finite() {
            return refuse("build.builtAt", "must be a finite number of milliseconds");
        }
        let mut build_base = base.clone();
        let changes = rows(
            "build.baseChanges",
            b.base_changes.iter().map(|(id, row)| (*id, row.as_ref())),
            &mut budget,
        )?;
        build_base.apply_diff(changes);
        targets_known("build.baseChanges", &build_base)?;
        let mut last_from = None;
        for (from, row) in &b.learned {
            if last_from.is_some_and(|last| last >= *from) || row.is_empty() {
                return refuse(
                    "build.learned",
                    format!("track {from} is out of order, duplicated or empty"),
                );
            }
            last_from = Some(*from);
            if *from != START {
                known("build.learned", &build_base, *from)?;
            }
            let mut last_to = None;
            for l in row {
                let amount = |x: f64| x.is_finite() && (0.0..=MAX_AMOUNT * 1e6).contains(&x);
                if last_to.is_some_and(|last| last >= l.to)
                    || l.to == START
                    || !amount(l.bonus)
                    || !amount(l.penalty)
                {
                    return refuse(
                        "build.learned",
                        format!("edge {from} -> {}: out of order, duplicated, to the start node, or a bonus or penalty that is not a finite number >= 0", l.to),
                    );
                }
                last_to = Some(l.to);
                known("build.learned", &build_base, l.to)?;
            }
        }
        let build = RuntimeGraph::restore(
            build_base,
            b.version,
            &b.reason,
            b.built_at,
            b.diffs,
            b.learned.clone(),
        );

        // A back stack longer than historyLimit (lowered since the save) is cut, oldest first.
        let c = &self.chain;
        for id in c.back.iter().chain(&c.forward).chain(&c.current) {
            if *id == START {
                return refuse("chain", "the start node 0 is not a track");
            }
        }
        if c.current.is_none() && !(c.back.is_empty() && c.forward.is_empty()) {
            return refuse(
                "chain.current",
                "is missing although the stacks are not empty",
            );
        }
        let chain = PlaybackChain::restore(
            self.options.history_limit,
            c.back.clone(),
            c.current,
            c.forward.clone(),
            c.learning_frozen,
            c.current_removed,
        );

        if self
            .last_played
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.0 >= b.0))
        {
            return refuse("recency.last", "tracks are out of order or duplicated");
        }
        let recency = Recency::restore(self.plays, self.last_played.iter().copied()).ok_or(
            SnapshotError {
                part: "recency",
                problem: "a last play lies outside 1..=plays".into(),
            },
        )?;
        let (half_life, window) = (
            self.options.memory_half_life,
            self.options.repeat_window as u64,
        );
        let taste = match &self.taste {
            None => Taste::new(half_life, window),
            Some(parts) => {
                Taste::restore(parts, half_life, window).map_err(|part| SnapshotError {
                    part: "taste",
                    problem: format!(
                        "{part}: out of order, duplicated, or not finite numbers >= 0"
                    ),
                })?
            }
        };
        let mut taste = taste;
        for (id, at) in recency.entries() {
            taste.note_play(id, at);
        }
        if matches!(self.replay, Replay::After(0)) {
            return refuse("replay", "a replay gap is at least 1 play");
        }
        Ok(Restored {
            base,
            build,
            chain,
            recency,
            taste,
            replay: self.replay,
        })
    }
}
