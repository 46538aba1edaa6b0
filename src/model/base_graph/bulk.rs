//! Bulk loading: [`BaseGraph::reinforce_many`], one pass per run of equal sources and one
//! over the start row.

use std::rc::Rc;

use super::{BaseGraph, Growth, Room};
use crate::model::error::check_edge;
use crate::model::row::add;
use crate::model::table::{keyed_by, IdTable};
use crate::model::{sort_pairs, ModelError, TrackId, START};

/// The buffers [`BaseGraph::reinforce_many`] reuses from one run of equal sources to the next.
#[derive(Default)]
struct RunScratch {
    /// (target, position in the run), sorted.
    run: Vec<(TrackId, u64)>,
    /// (target, new weight), ascending.
    updates: Vec<(TrackId, f64)>,
}

/// A target of the start row and its new weight's bits, while a bulk load sums them.
#[derive(Default)]
struct Arrival {
    to: TrackId,
    bits: u64,
}

keyed_by!(Arrival, to: TrackId);

impl BaseGraph {
    /// Reinforces every edge `(from, to, amount)` of `edges`, as one [`BaseGraph::reinforce`]
    /// per edge in that order would (the same weights, to the last bit), but in one pass per
    /// run of equal sources and one over the start row.
    ///
    /// Every edge is checked first: a bad one is an error naming its index, and nothing
    /// changes. Growth past `room` is [`ModelError::Full`] (with the index of the edge that
    /// went past it, or the input's length when the start row did), and leaves the graph
    /// partly changed: apply it to a clone (O(1)) and keep that only on success.
    pub fn reinforce_many(
        &mut self,
        edges: &[(TrackId, TrackId, f64)],
        room: Room,
    ) -> Result<Growth, (usize, ModelError)> {
        for (i, (_, to, amount)) in edges.iter().enumerate() {
            check_edge(*to, *amount).map_err(|e| (i, e))?;
        }
        let mut grown = Growth::default();
        // The start row: every edge adds its amount to it once (`reinforce` mirrors an edge
        // from a track, and an edge from the start node is the start row's own), in order.
        // Weights travel as their bits: (id, u64) pairs are what the crate's one sort sorts.
        let arrivals = self.start_arrivals(edges);
        for (to, _) in &arrivals {
            grown.tracks += usize::from(self.note_track(*to));
        }
        if !grown.fits(room) {
            return Err((edges.len(), ModelError::Full));
        }
        // Every other row: one run of equal sources at a time, in input order.
        let mut scratch = RunScratch::default();
        let mut rest = edges;
        while let Some((from, _, _)) = rest.first() {
            let from = *from;
            let len = rest.iter().position(|e| e.0 != from).unwrap_or(rest.len());
            let (this, next) = rest.split_at(len);
            rest = next;
            if from == START {
                continue;
            }
            let run = self.reinforce_run(from, this, &mut scratch);
            grown.tracks += run.tracks;
            grown.edges += run.edges;
            if !grown.fits(room) {
                return Err((edges.len() - rest.len() - 1, ModelError::Full));
            }
        }
        grown.edges += self.set_start_row(arrivals);
        if grown.fits(room) {
            Ok(grown)
        } else {
            Err((edges.len(), ModelError::Full))
        }
    }

    /// Reinforces a run of edges that all leave `from` (not the start node) in one pass over
    /// its row, adding equal targets' amounts in input order; what that added. `scratch` is
    /// reused from run to run.
    fn reinforce_run(
        &mut self,
        from: TrackId,
        this: &[(TrackId, TrackId, f64)],
        scratch: &mut RunScratch,
    ) -> Growth {
        let RunScratch { run, updates } = scratch;
        // (target, position) pairs: sorted, equal targets keep their input order, so their
        // amounts add up in it. (The crate's one sort: another would weigh more in the wasm
        // than it saves here.)
        run.clear();
        run.extend(
            this.iter()
                .enumerate()
                .map(|(i, (_, to, _))| (*to, i as u64)),
        );
        sort_pairs(run);
        let mut grown = Growth {
            tracks: usize::from(self.note_track(from)),
            ..Growth::default()
        };
        let Some(row) = self.rows.get_mut(from) else {
            return grown;
        };
        let row = Rc::make_mut(row);
        // A new row (a catalogue loaded in bulk) has no weight to look up.
        let fresh = row.is_empty();
        updates.clear();
        for (to, i) in run.iter().copied() {
            let a = this.get(i as usize).map_or(0.0, |e| e.2);
            match updates.last_mut() {
                Some((last, w)) if *last == to => *w = add(*w, a),
                _ => {
                    let before = if fresh { None } else { row.get(to) };
                    updates.push((to, add(before.unwrap_or(0.0), a)));
                }
            }
        }
        grown.edges = row.set_sorted(updates);
        self.edges += grown.edges;
        grown
    }

    /// Sets the start row's weights `arrivals` (as bits, ascending by target); the edges
    /// that added.
    fn set_start_row(&mut self, arrivals: Vec<(TrackId, u64)>) -> usize {
        let arrivals: Vec<(TrackId, f64)> = arrivals
            .into_iter()
            .map(|(to, w)| (to, f64::from_bits(w)))
            .collect();
        if arrivals.is_empty() {
            return 0;
        }
        let Some(row) = self.rows.get_or_insert_with(START, || self.empty.clone()) else {
            return 0;
        };
        let added = Rc::make_mut(row).set_sorted(&arrivals);
        self.edges += added;
        added
    }

    /// The start row's weights after `edges`, ascending by target: each edge adds its amount
    /// once, in input order, to the weight the row had. Weights travel as their bits.
    fn start_arrivals(&self, edges: &[(TrackId, TrackId, f64)]) -> Vec<(TrackId, u64)> {
        let row = self.rows.get(START).cloned();
        let before = |to: TrackId| row.as_ref().and_then(|r| r.get(to)).unwrap_or(0.0);
        let top = edges.iter().map(|e| e.1).max().unwrap_or(0) as usize;
        if top <= edges.len() / 2 + 1024 {
            // Ids no larger than half the edges (a catalogue: many successors per track):
            // summed in a table indexed by id, which needs no hashing and comes out sorted.
            // The table takes at most 8 bytes an edge, for the length of this call.
            let mut sums: Vec<Option<f64>> = vec![None; top + 1];
            for (_, to, a) in edges {
                if let Some(slot) = sums.get_mut(*to as usize) {
                    *slot = Some(add(slot.unwrap_or_else(|| before(*to)), *a));
                }
            }
            return sums
                .into_iter()
                .zip(0..)
                .filter_map(|(w, to)| Some((to, w?.to_bits())))
                .collect();
        }
        // Targets were checked: none is the start node, the one key the table refuses.
        let mut start: IdTable<Arrival> = IdTable::default();
        for (_, to, a) in edges {
            if let Some((slot, new)) = start.upsert(*to) {
                let w = if new {
                    before(*to)
                } else {
                    f64::from_bits(slot.bits)
                };
                slot.bits = add(w, *a).to_bits();
            }
        }
        let mut arrivals: Vec<(TrackId, u64)> = start.iter().map(|s| (s.to, s.bits)).collect();
        sort_pairs(&mut arrivals);
        arrivals
    }
}
