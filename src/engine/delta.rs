//! Saves that cost what changed: a store keeps a [`SaveMark`] of its last save and asks for a
//! [`Delta`] since it: the base graph's rows that changed (the graph is the big part: hundreds
//! of thousands of edges), and the rest of the state whole (the build's lessons, the chain,
//! the recency record, the taste: small next to the graph, and changed by every lesson).
//!
//! Rows are found changed by pointer: the mark holds an O(1) clone of the base graph, which
//! shares every row with the live one, and a row the engine changes afterwards is copied on
//! write, so [`BaseGraph::diff_from`] finds exactly the changed rows in O(tracks).

use super::{Orchestrator, SavedRow, Snapshot};
use crate::model::{BaseGraph, TrackId};

/// The state of the engine at a save, as far as a delta needs it.
#[derive(Clone, Debug)]
pub struct SaveMark {
    base: BaseGraph,
    changes: u64,
}

impl SaveMark {
    /// The engine's `changes()` when the mark was taken.
    pub fn changes(&self) -> u64 {
        self.changes
    }
}

/// What changed since a mark, and the mark of this moment for the next delta.
#[derive(Clone, Debug)]
pub struct Delta {
    /// Base rows that differ from the mark's, ascending: `Some(row)` a new or changed row,
    /// `None` a track forgotten since. Without a mark: every row (a checkpoint).
    pub rows: Vec<(TrackId, Option<SavedRow>)>,
    /// The rest of the snapshot, whole; its `base` is empty.
    pub state: Snapshot,
    pub mark: SaveMark,
}

impl Orchestrator {
    /// A mark of this instant, O(1): what a store takes when it opens a stored profile.
    pub fn save_mark(&self) -> SaveMark {
        SaveMark {
            base: self.base_graph(),
            changes: self.changes(),
        }
    }

    /// What changed since `since` (every row when `None`), taken at this instant.
    pub fn delta_since(&self, since: Option<&SaveMark>) -> Delta {
        let base = self.base_graph();
        let rows = match since {
            Some(mark) => base
                .diff_from(&mark.base)
                .into_iter()
                .map(|(id, row)| (id, row.map(|row| row.iter().collect())))
                .collect(),
            None => base
                .all_rows()
                .map(|(id, row)| (id, Some(row.iter().collect())))
                .collect(),
        };
        Delta {
            rows,
            state: self.snapshot_parts(false),
            mark: SaveMark {
                base,
                changes: self.changes(),
            },
        }
    }
}

/// A checkpoint's rows with a delta's rows applied: what opening a profile replays. Both
/// ascend by track; a delta's row replaces the checkpoint's, `None` removes it.
pub fn merge_rows(
    base: Vec<(TrackId, SavedRow)>,
    delta: Vec<(TrackId, Option<SavedRow>)>,
) -> Vec<(TrackId, SavedRow)> {
    let mut out = Vec::with_capacity(base.len() + delta.len());
    let mut rows = base.into_iter().peekable();
    let mut changes = delta.into_iter().peekable();
    loop {
        let next_row = rows.peek().map(|(id, _)| *id);
        let next_change = changes.peek().map(|(id, _)| *id);
        let take_change = match (next_row, next_change) {
            (None, None) => break,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some(id), Some(changed)) => {
                if changed == id {
                    rows.next(); // replaced or removed by the change
                }
                changed <= id
            }
        };
        if take_change {
            if let Some((id, Some(row))) = changes.next() {
                out.push((id, row));
            }
        } else if let Some(row) = rows.next() {
            out.push(row);
        }
    }
    out
}
