use std::rc::Rc;

use im_rc::{OrdMap, OrdSet};

use super::error::check_edge;
use super::{ModelError, Row, TrackId, START};

/// Long-term memory: how strongly each track leads to each other, `w[from][to] >= 0`.
///
/// The start node's row (`from == 0`) counts how often each track was arrived at from anywhere,
/// so [`BaseGraph::reinforce`] and [`BaseGraph::penalty`] change it too.
///
/// Cloning is O(1): rows are shared (`Rc`) and the maps are persistent, so a runtime build takes
/// a snapshot of the base for free, and a later change copies only the row it touches. That is
/// what lets a rebuild cost what changed rather than the size of the graph.
#[derive(Clone, Debug, Default)]
pub struct BaseGraph {
    rows: OrdMap<TrackId, Rc<Row>>,
    ids: OrdSet<TrackId>,
    edges: usize,
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
        let row = self.rows.entry(from).or_default();
        if Rc::make_mut(row).adjust(to, delta) {
            self.edges += 1;
        }
        if from != START {
            self.ids.insert(from);
        }
        self.ids.insert(to);
    }

    /// The weights out of `from`, or `None` when it has no edge.
    pub fn row(&self, from: TrackId) -> Option<&Row> {
        self.rows.get(&from).map(|r| &**r)
    }

    /// The weight of one edge; absent edges weigh 0.
    pub fn weight(&self, from: TrackId, to: TrackId) -> f64 {
        self.row(from).and_then(|r| r.get(to)).unwrap_or(0.0)
    }

    /// Every track id the graph knows, in ascending order (the start node is not a track).
    pub fn ids(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.ids.iter().copied()
    }

    /// True when the track has appeared in the graph (even at weight 0) and was not forgotten.
    pub fn contains(&self, id: TrackId) -> bool {
        self.ids.contains(&id)
    }

    /// The number of tracks known.
    pub fn track_count(&self) -> usize {
        self.ids.len()
    }

    /// The number of edges, zero-weight ones and the start row's included.
    pub fn edge_count(&self) -> usize {
        self.edges
    }

    /// Every row in source order, the start row first.
    pub fn rows(&self) -> impl Iterator<Item = (TrackId, &Row)> + '_ {
        self.rows.iter().map(|(from, row)| (*from, &**row))
    }

    /// Removes a track everywhere: its row, every edge into it, and its id. Rows that do not
    /// mention it are left shared.
    pub fn forget(&mut self, id: TrackId) -> bool {
        if id == START {
            return false;
        }
        let known = self.ids.remove(&id).is_some();
        if let Some(row) = self.rows.remove(&id) {
            self.edges -= row.len();
        }
        let sources: Vec<TrackId> = self
            .rows
            .iter()
            .filter(|(_, row)| row.contains(id))
            .map(|(from, _)| *from)
            .collect();
        for from in sources {
            if let Some(row) = self.rows.get_mut(&from) {
                if Rc::make_mut(row).remove(id) {
                    self.edges -= 1;
                }
                if row.is_empty() {
                    self.rows.remove(&from);
                }
            }
        }
        known
    }
}
