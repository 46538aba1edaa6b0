//! Snapshots out of the engine and engines out of snapshots.

use std::rc::Rc;

use futures::task::LocalSpawn;

use super::snapshot::{BuildSnapshot, ChainSnapshot, Snapshot, SnapshotError};
use super::{Clock, Orchestrator};
use crate::model::Row;

impl Orchestrator {
    /// An engine resumed from a snapshot, exactly where it was saved; managers not running.
    /// A snapshot that fails any check is refused whole.
    pub fn restore(
        snapshot: &Snapshot,
        spawner: impl LocalSpawn + 'static,
        clock: impl Clock + 'static,
    ) -> Result<Self, SnapshotError> {
        let state = snapshot.validate()?;
        let options = snapshot.options.clone();
        let pending = snapshot.pending_cooldown_steps;
        Ok(Self::from_state(
            options,
            Box::new(spawner),
            Rc::new(clock),
            state,
            pending,
        ))
    }

    /// Everything needed to resume this engine exactly (see [`Orchestrator::restore`]).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_parts(true)
    }

    /// The snapshot, with its base graph only when `with_base` (a delta carries changed rows).
    pub(crate) fn snapshot_parts(&self, with_base: bool) -> Snapshot {
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        let saved = |row: &Row| row.iter().collect::<Vec<_>>();
        let chain = &state.chain;
        Snapshot {
            options: self.inner.options.clone(),
            base: if with_base {
                state
                    .base
                    .all_rows()
                    .map(|(id, row)| (id, saved(row)))
                    .collect()
            } else {
                Vec::new()
            },
            build: BuildSnapshot {
                version: build.build_version(),
                reason: build.build_reason().to_owned(),
                built_at: build.built_at(),
                diffs: build.diffs(),
                base_changes: build
                    .base()
                    .diff_from(&state.base)
                    .into_iter()
                    .map(|(id, row)| (id, row.as_ref().map(saved)))
                    .collect(),
                learned: build.learned().collect(),
            },
            chain: ChainSnapshot {
                back: chain.back_stack().collect(),
                current: chain.current(),
                forward: chain.forward_stack().to_vec(),
                learning_frozen: chain.learning_frozen(),
                current_removed: chain.current_removed(),
            },
            plays: state.recency.plays(),
            last_played: state.recency.entries(),
            rng_state: state.rng.state(),
            pending_cooldown_steps: self.inner.pending_steps.get(),
            taste: Some(state.taste.parts()),
            replay: state.replay,
            drawn: state.drawn,
            queue: state.queue.iter().copied().collect(),
            history: state.history,
        }
    }
}
