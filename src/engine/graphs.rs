//! Direct access to the graphs: the live base graph and its edits, the current build, and
//! forgetting a track everywhere.

use super::lessons::room;
use super::{Build, Orchestrator};
use crate::model::{check_target, BaseGraph, Growth, ModelError, TrackId};

impl Orchestrator {
    /// Deletes a track everywhere: both graphs, cooldowns, the chain's stacks. A playing track
    /// stays current until the next play. Returns true when the track was known.
    pub fn forget_track(&self, id: TrackId) -> bool {
        let mut state = self.inner.state.borrow_mut();
        let state = &mut *state;
        let mut known = state.base.forget(id);
        known |= state.build.borrow_mut().forget(id);
        state.taste.forget(id);
        state.queue.retain(|q| *q != id);
        self.changed();
        state.chain.remove(id);
        if state.chain.current() != Some(id) {
            state.recency.forget(id);
        } else if let Some(at) = state.recency.last_played(id) {
            // A playing track stays current: its last play is still known.
            if let Some(taste) = state.kept_taste() {
                taste.note_play(id, at);
            }
        }
        known
    }

    /// A snapshot of the long-term graph (O(1): it shares everything with the live one).
    pub fn base_graph(&self) -> BaseGraph {
        self.inner.state.borrow().base.clone()
    }

    /// Reinforces the live base graph (`from -> to` and `0 -> to`).
    pub fn reinforce_base(
        &self,
        from: TrackId,
        to: TrackId,
        amount: f64,
    ) -> Result<(), ModelError> {
        self.edit_base(from, to, |base| base.reinforce(from, to, amount))
    }

    /// Penalises the live base graph, never below 0.
    pub fn penalty_base(&self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        self.edit_base(from, to, |base| base.penalty(from, to, amount))
    }

    fn edit_base(
        &self,
        from: TrackId,
        to: TrackId,
        edit: impl FnOnce(&mut BaseGraph) -> Result<(), ModelError>,
    ) -> Result<(), ModelError> {
        {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            let room = room(&state.base, &state.build.borrow());
            check_target(to)?;
            if !state.base.growth(from, to).fits(room) {
                return Err(ModelError::Full);
            }
            edit(&mut state.base)?;
        }
        self.changed();
        Ok(())
    }

    /// Reinforces many edges of the live base graph at once, exactly as one
    /// [`Orchestrator::reinforce_base`] per edge in that order would, in one pass per run of
    /// equal sources. Every edge is checked first; a bad one, or growth past the limits, is an
    /// error naming its index, and then nothing changes.
    pub fn reinforce_base_many(
        &self,
        edges: &[(TrackId, TrackId, f64)],
    ) -> Result<Growth, (usize, ModelError)> {
        let grown = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            let room = room(&state.base, &state.build.borrow());
            // Each edge adds at most two tracks and two edges: far from the limits the graph
            // is changed in place; near them, a copy (O(1), shared) is kept only on success.
            let bound = edges.len().saturating_mul(2);
            if bound <= room.tracks && bound <= room.edges {
                state.base.reinforce_many(edges, room)?
            } else {
                let mut next = state.base.clone();
                let grown = next.reinforce_many(edges, room)?;
                state.base = next;
                grown
            }
        };
        self.changed();
        Ok(grown)
    }

    /// The current build.
    pub fn runtime_graph(&self) -> Build {
        self.inner.state.borrow().build.clone()
    }
}
