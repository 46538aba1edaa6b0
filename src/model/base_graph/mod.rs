//! The long-term graph (`bulk.rs`: loading many edges at once).

use std::rc::Rc;

use super::chunked_map::ChunkedMap;
use super::error::check_edge;
use super::{ModelError, Rng, Row, TrackId, START};

mod bulk;

/// How far a change may grow a graph: the tracks and edges it may still add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Room {
    pub tracks: usize,
    pub edges: usize,
}

/// What a change would add to a graph: new tracks and new edges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Growth {
    pub tracks: usize,
    pub edges: usize,
}

impl Growth {
    /// True when this growth fits in `room`.
    pub fn fits(self, room: Room) -> bool {
        self.tracks <= room.tracks && self.edges <= room.edges
    }
}

/// Long-term memory: how strongly each track leads to each other, `w[from][to] >= 0`.
///
/// The start node's row (`from == 0`) counts how often each track was arrived at from anywhere,
/// so [`BaseGraph::reinforce`] and [`BaseGraph::penalty`] change it too.
///
/// Every known track has an entry in `rows`, with an empty row when it has no successor, so the
/// map's keys are also the set of known tracks (one persistent map instead of two).
///
/// Cloning is O(1): rows are shared (`Rc`) and the map is persistent (a chunked map), so a runtime build takes
/// a snapshot of the base for free, and a later change copies only the row it touches. That is
/// what lets a rebuild cost what changed rather than the size of the graph.
#[derive(Clone, Debug, Default)]
pub struct BaseGraph {
    rows: ChunkedMap<Rc<Row>>,
    edges: usize,
    /// The row of every track without successors: one, shared, so that knowing a track costs
    /// no allocation of its own (the first edge out of it copies it on write).
    empty: Rc<Row>,
}

impl BaseGraph {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `amount` to `from -> to` and to `0 -> to` (once when `from` is the start node).
    pub fn reinforce(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        self.mirror(from, to, amount);
        Ok(())
    }

    /// Takes `amount` from `from -> to` and from `0 -> to`, never below 0. The edges stay, at
    /// weight 0 if need be, so a track once known stays known.
    pub fn penalty(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        self.mirror(from, to, -amount);
        Ok(())
    }

    fn mirror(&mut self, from: TrackId, to: TrackId, delta: f64) {
        self.adjust_edge(from, to, delta);
        if from != START {
            self.adjust_edge(START, to, delta);
        }
    }

    /// Adds `delta` to exactly one edge (creating it), clamped at 0: how a rebuild folds what a
    /// build learned, edge by edge, since the build already mirrored its lessons onto the start row.
    pub(crate) fn adjust_edge(&mut self, from: TrackId, to: TrackId, delta: f64) {
        self.note_track(to);
        if let Some(row) = self.rows.get_or_insert_with(from, || self.empty.clone()) {
            if Rc::make_mut(row).adjust(to, delta) {
                self.edges += 1;
            }
        }
    }

    /// Makes `id` known (with no successor yet) if it is not already; true when it was not.
    pub(crate) fn note_track(&mut self, id: TrackId) -> bool {
        if self.rows.contains_key(id) {
            return false;
        }
        self.rows.insert(id, self.empty.clone());
        true
    }

    /// What `reinforce(from, to)` or `penalty(from, to)` would add to this graph.
    pub fn growth(&self, from: TrackId, to: TrackId) -> Growth {
        let mut g = Growth::default();
        let new_track = |id: TrackId| id != START && !self.rows.contains_key(id);
        g.tracks += usize::from(new_track(from)) + usize::from(from != to && new_track(to));
        g.edges += usize::from(self.row(from).and_then(|r| r.get(to)).is_none());
        if from != START {
            g.edges += usize::from(self.row(START).and_then(|r| r.get(to)).is_none());
        }
        g
    }

    /// Puts a whole row in place, replacing what `from` had: how a snapshot is restored without
    /// an insertion per edge. Targets must already be known (see [`BaseGraph::note_track`]).
    pub(crate) fn set_row(&mut self, from: TrackId, row: Row) {
        self.edges += row.len();
        if let Some(old) = self.rows.insert(from, Rc::new(row)) {
            self.edges -= old.len();
        }
    }

    /// A graph of `tracks` (ascending, the start node allowed) with no edges, in one pass;
    /// rows are then put in place with [`BaseGraph::set_row`]. How a snapshot is restored.
    pub(crate) fn with_tracks(tracks: impl IntoIterator<Item = TrackId>) -> Self {
        let empty: Rc<Row> = Rc::default();
        Self {
            rows: ChunkedMap::from_sorted(tracks.into_iter().map(|id| (id, empty.clone()))),
            edges: 0,
            empty,
        }
    }

    /// Every known track with its row, empty ones included, the start row first: what a
    /// snapshot saves.
    pub fn all_rows(&self) -> impl Iterator<Item = (TrackId, &Row)> + '_ {
        self.rows.iter().map(|(from, row)| (from, &**row))
    }

    /// The rows where `self` differs from `other`: `Some(row)` where `self` has a row that is
    /// not the very same shared row in `other`, `None` where only `other` has one. Shared rows
    /// are compared by pointer, so this costs O(tracks), not O(edges).
    pub fn diff_from(&self, other: &BaseGraph) -> Vec<(TrackId, Option<Row>)> {
        // The same version (the usual case between two saves, or for a build and the live base
        // between rebuilds): nothing differs, in O(1).
        if self.rows.same_version(&other.rows) {
            return Vec::new();
        }
        // Both key sequences ascend: one merge pass gives the differences in key order.
        let mut out = Vec::new();
        let mut mine = self.rows.iter().peekable();
        let mut theirs = other.rows.iter().peekable();
        loop {
            match (mine.peek().copied(), theirs.peek().copied()) {
                (None, None) => break,
                (Some((id, row)), Some((other_id, other_row))) if id == other_id => {
                    if !Rc::ptr_eq(row, other_row) {
                        out.push((id, Some((**row).clone())));
                    }
                    mine.next();
                    theirs.next();
                }
                (Some((id, row)), Some((other_id, _))) if id < other_id => {
                    out.push((id, Some((**row).clone())));
                    mine.next();
                }
                (Some((id, row)), None) => {
                    out.push((id, Some((**row).clone())));
                    mine.next();
                }
                (_, Some((other_id, _))) => {
                    out.push((other_id, None));
                    theirs.next();
                }
            }
        }
        out
    }

    /// Applies what [`BaseGraph::diff_from`] found.
    pub(crate) fn apply_diff(&mut self, diff: Vec<(TrackId, Option<Row>)>) {
        for (id, row) in diff {
            match row {
                Some(row) => self.set_row(id, row),
                None => {
                    if let Some(old) = self.rows.remove(id) {
                        self.edges -= old.len();
                    }
                }
            }
        }
    }

    /// The weights out of `from`, or `None` when it has no edge.
    pub fn row(&self, from: TrackId) -> Option<&Row> {
        self.rows.get(from).map(|r| &**r).filter(|r| !r.is_empty())
    }

    /// The weight of one edge; absent edges weigh 0.
    pub fn weight(&self, from: TrackId, to: TrackId) -> f64 {
        self.row(from).and_then(|r| r.get(to)).unwrap_or(0.0)
    }

    /// Every track id the graph knows, in ascending order (the start node is not a track).
    pub fn ids(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.rows.keys().filter(|id| *id != START)
    }

    /// A known track drawn uniformly, without scanning the graph; `None` when none is known.
    pub fn random_track(&self, rng: &mut Rng) -> Option<TrackId> {
        // The start node is a key too: drawn (rarely), it is drawn again. A loop, not an
        // iterator chain, which the size-optimised wasm ran through three calls per draw.
        for _ in 0..4 {
            if let Some(id) = self.rows.random_key(rng).filter(|id| *id != START) {
                return Some(id);
            }
        }
        self.ids().next()
    }

    /// True when the track has appeared in the graph (even at weight 0) and was not forgotten.
    pub fn contains(&self, id: TrackId) -> bool {
        id != START && self.rows.contains_key(id)
    }

    /// The number of keys: the tracks known, and the start node once it has a row.
    pub fn key_count(&self) -> usize {
        self.rows.len()
    }

    /// The number of tracks known.
    pub fn track_count(&self) -> usize {
        // The start node is the smallest key there can be: it has a row when the first key is
        // it. (Every lesson asks this, through the room left: O(1), not a search.)
        self.rows.len() - usize::from(self.rows.first_key() == Some(START))
    }

    /// The number of edges, zero-weight ones and the start row's included.
    pub fn edge_count(&self) -> usize {
        self.edges
    }

    /// Every non-empty row in source order, the start row first.
    pub fn rows(&self) -> impl Iterator<Item = (TrackId, &Row)> + '_ {
        self.rows
            .iter()
            .map(|(from, row)| (from, &**row))
            .filter(|(_, row)| !row.is_empty())
    }

    /// Removes a track everywhere: its row, every edge into it, and its id. Rows that do not
    /// mention it are left shared.
    pub fn forget(&mut self, id: TrackId) -> bool {
        if id == START {
            return false;
        }
        let Some(row) = self.rows.remove(id) else {
            return false;
        };
        self.edges -= row.len();
        let sources: Vec<TrackId> = self
            .rows
            .iter()
            .filter(|(_, row)| row.contains(id))
            .map(|(from, _)| from)
            .collect();
        for from in sources {
            if let Some(row) = self.rows.get_mut(from) {
                if Rc::make_mut(row).remove(id) {
                    self.edges -= 1;
                }
            }
        }
        true
    }
}
