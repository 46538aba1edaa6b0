//! The checks a snapshot must pass before anything is restored from it, part by part; a
//! valid snapshot becomes the engine's state.

use std::cell::RefCell;
use std::rc::Rc;

use super::orchestrator::State;
use super::snapshot::{
    BuildSnapshot, ChainSnapshot, SavedRow, Snapshot, SnapshotError, MAX_QUEUE, TOO_MANY_EDGES,
    TOO_MANY_TRACKS,
};
use crate::model::{
    BaseGraph, Learned, PlaybackChain, Recency, Replay, Rng, Row, RowError, RuntimeGraph, Taste,
    TrackId, MAX_EDGES, MAX_TRACKS, MAX_WEIGHT, START,
};

fn refuse<T>(part: &'static str, problem: impl Into<String>) -> Result<T, SnapshotError> {
    Err(SnapshotError {
        part,
        problem: problem.into(),
    })
}

/// Rows in strictly ascending source order, each a valid [`Row`], at most `budget` edges in
/// all. Whether there are too many tracks is checked before any row is built.
fn rows(
    part: &'static str,
    saved: &mut dyn ExactSizeIterator<Item = (TrackId, Option<&SavedRow>)>,
    mut budget: usize,
) -> Result<Vec<(TrackId, Option<Row>)>, SnapshotError> {
    if saved.len() > MAX_TRACKS + 1 {
        return refuse(part, TOO_MANY_TRACKS);
    }
    let mut out: Vec<(TrackId, Option<Row>)> = Vec::with_capacity(saved.len());
    for (from, row) in saved {
        if out.last().is_some_and(|(last, _)| *last >= from) {
            return refuse(part, format!("track {from} is out of order or duplicated"));
        }
        let row = match row {
            Some(pairs) => {
                budget = budget.checked_sub(pairs.len()).ok_or(SnapshotError {
                    part,
                    problem: TOO_MANY_EDGES.into(),
                })?;
                let row = Row::from_sorted(pairs.iter().copied()).map_err(|e| SnapshotError {
                    part,
                    problem: match e {
                        RowError::Order(i) => format!(
                            "row of track {from}: edge {i} has its target out of order or duplicated"
                        ),
                        RowError::Weight(i) => format!(
                            "row of track {from}: edge {i} has a weight that is not a number from 0 to 1e15"
                        ),
                    },
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

impl Snapshot {
    /// Checks every part and builds the engine's state from it; the first problem refuses it
    /// whole. The parts are checked in the order they are listed here.
    pub(super) fn validate(&self) -> Result<State, SnapshotError> {
        self.options.validate().map_err(|e| SnapshotError {
            part: "options",
            problem: e.to_string(),
        })?;
        let base = self.validate_base()?;
        let build = self.build.validate(&base)?;
        let chain = self.chain.validate(self.options.history_limit)?;
        let recency = self.validate_recency()?;
        let taste = self.validate_taste(&recency)?;
        self.validate_rest()?;
        Ok(State {
            base,
            build: Rc::new(RefCell::new(build)),
            chain,
            recency,
            rng: Rng::from_state(self.rng_state),
            taste,
            keeps_taste: self.options.policy.reads_taste(),
            replay: self.replay,
            drawn: self.drawn,
            scratch: Vec::new(),
            picks: Vec::new(),
            queue: self.queue.iter().copied().collect(),
            history: self.history,
        })
    }

    /// The base graph: valid rows, and every target a known track.
    fn validate_base(&self) -> Result<BaseGraph, SnapshotError> {
        let base_rows = rows(
            "base",
            &mut self.base.iter().map(|(id, row)| (*id, Some(row))),
            MAX_EDGES,
        )?;
        let mut base = BaseGraph::with_tracks(base_rows.iter().map(|(id, _)| *id));
        for (id, row) in base_rows {
            if let Some(row) = row.filter(|r| !r.is_empty()) {
                base.set_row(id, row);
            }
        }
        targets_known("base", &base)?;
        Ok(base)
    }

    /// Plays in order, and the taste (or an empty one from a version 1 snapshot) told of them.
    fn validate_recency(&self) -> Result<Recency, SnapshotError> {
        if self
            .last_played
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.0 >= b.0))
        {
            return refuse("recency.last", "tracks are out of order or duplicated");
        }
        if self.last_played.iter().any(|(id, _)| *id == START) {
            return refuse("recency.last", "the start node 0 is not a track");
        }
        Recency::restore(self.plays, self.last_played.iter().copied()).ok_or(SnapshotError {
            part: "recency",
            problem: "a last play lies outside 1..=plays".into(),
        })
    }

    /// The taste (an empty one from a version 1 snapshot), told of the plays `recency` holds.
    fn validate_taste(&self, recency: &Recency) -> Result<Taste, SnapshotError> {
        let (half_life, window) = (
            self.options.memory_half_life,
            self.options.repeat_window as u64,
        );
        let mut taste = match &self.taste {
            None => Taste::new(half_life, window),
            Some(parts) => {
                Taste::restore(parts, half_life, window).map_err(|part| SnapshotError {
                    part: "taste",
                    problem: format!(
                        "{part}: out of order, duplicated, not finite, or a negative weight"
                    ),
                })?
            }
        };
        taste.note_plays(recency.entries().into_iter());
        Ok(taste)
    }

    /// The parts restored as they are: the replay, the queue and where the last history ended.
    fn validate_rest(&self) -> Result<(), SnapshotError> {
        if matches!(self.replay, Replay::After(0)) {
            return refuse("replay", "a replay gap is at least 1 play");
        }
        if self.queue.len() > MAX_QUEUE {
            return refuse("queue", "more than 100000 tracks");
        }
        if self.queue.contains(&START) {
            return refuse("queue", "the start node 0 is not a track");
        }
        if let Some(h) = self.history {
            if h.id == START || !h.start.is_finite() || !(h.end >= h.start && h.end.is_finite()) {
                return refuse(
                    "history",
                    "must be a track, a start and an end not before it",
                );
            }
        }
        Ok(())
    }
}

impl BuildSnapshot {
    /// The build over `base`: its own base (the live one with the saved changes), what it
    /// learned, and room in the limits to fold it into `base`.
    fn validate(&self, base: &BaseGraph) -> Result<RuntimeGraph, SnapshotError> {
        if !self.built_at.is_finite() {
            return refuse("build.builtAt", "must be a finite number of milliseconds");
        }
        let build_base = self.validate_base_changes(base)?;
        learned_valid(&self.learned, &build_base)?;
        let mut build = RuntimeGraph::restore(
            build_base,
            self.version,
            &self.reason,
            self.built_at,
            self.diffs,
            self.learned.clone(),
        );
        build.recount_growth(base);
        let grown = build.grown();
        if base.track_count() + grown.tracks > MAX_TRACKS
            || base.edge_count() + grown.edges > MAX_EDGES
        {
            return refuse(
                "build.learned",
                "folding it would take the graph past 20000000 edges or 2000000 tracks",
            );
        }
        Ok(build)
    }

    /// The build's base: `base` with the saved changes, within the limits.
    fn validate_base_changes(&self, base: &BaseGraph) -> Result<BaseGraph, SnapshotError> {
        let mut build_base = base.clone();
        let changes = rows(
            "build.baseChanges",
            &mut self
                .base_changes
                .iter()
                .map(|(id, row)| (*id, row.as_ref())),
            MAX_EDGES,
        )?;
        build_base.apply_diff(changes);
        if build_base.edge_count() > MAX_EDGES || build_base.track_count() > MAX_TRACKS {
            return refuse(
                "build.baseChanges",
                "more than 20000000 edges or 2000000 tracks",
            );
        }
        targets_known("build.baseChanges", &build_base)?;
        Ok(build_base)
    }
}

/// What a build learned: rows in strictly ascending source order, none empty, each from and
/// to known tracks of `graph` in ascending target order, with bonuses and penalties in range.
fn learned_valid(
    learned: &[(TrackId, Vec<Learned>)],
    graph: &BaseGraph,
) -> Result<(), SnapshotError> {
    if learned.len() > MAX_EDGES {
        return refuse("build.learned", TOO_MANY_EDGES);
    }
    let mut last_from = None;
    for (from, row) in learned {
        if last_from.is_some_and(|last| last >= *from) || row.is_empty() {
            return refuse(
                "build.learned",
                format!("track {from} is out of order, duplicated or empty"),
            );
        }
        last_from = Some(*from);
        if *from != START {
            known("build.learned", graph, *from)?;
        }
        learned_row_valid(*from, row, graph)?;
    }
    Ok(())
}

fn learned_row_valid(
    from: TrackId,
    row: &[Learned],
    graph: &BaseGraph,
) -> Result<(), SnapshotError> {
    let mut last_to = None;
    for l in row {
        if last_to.is_some_and(|last| last >= l.to) || l.to == START {
            return refuse(
                "build.learned",
                format!(
                    "edge {from} -> {}: out of order, duplicated, or to the start node",
                    l.to
                ),
            );
        }
        let weight = |x: f64| (0.0..=MAX_WEIGHT).contains(&x);
        if !weight(l.bonus) || !weight(l.penalty) {
            return refuse(
                "build.learned",
                format!(
                    "edge {from} -> {}: a bonus or penalty that is not a number from 0 to 1e15",
                    l.to
                ),
            );
        }
        last_to = Some(l.to);
        known("build.learned", graph, l.to)?;
    }
    Ok(())
}

impl ChainSnapshot {
    /// The playback chain, no track the start node and a current track unless both stacks are
    /// empty. A back stack longer than `history_limit` (lowered since the save) is cut, oldest
    /// first.
    fn validate(&self, history_limit: usize) -> Result<PlaybackChain, SnapshotError> {
        for id in self.back.iter().chain(&self.forward).chain(&self.current) {
            if *id == START {
                return refuse("chain", "the start node 0 is not a track");
            }
        }
        if self.current.is_none() && !(self.back.is_empty() && self.forward.is_empty()) {
            return refuse(
                "chain.current",
                "is missing although the stacks are not empty",
            );
        }
        Ok(PlaybackChain::restore(
            history_limit,
            self.back.clone(),
            self.current,
            self.forward.clone(),
            self.learning_frozen,
            self.current_removed,
        ))
    }
}
