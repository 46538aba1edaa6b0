//! Snapshots as plain JS objects: JSON-serialisable, with the big parts as flat number arrays
//! (copied across the boundary in one go rather than value by value).
//!
//! ```text
//! { format: "memory-player", version: 2, options: {...},
//!   base: [id, n, to1, w1, ..., to_n, w_n, id, n, ...],           every known track, ascending
//!   build: { version, reason, builtAt, diffs,
//!            baseChanges: [id, n | -1, to, w, ...],              rows the build sees otherwise
//!            learned: [from, to, bonus, penalty, cooldown, ...] },
//!   chain: { back: [...], current: id | undefined, forward: [...], learningFrozen, currentRemoved },
//!   recency: { plays, last: [id, at, ...] }, rng: "16 hex digits", pendingCooldownSteps,
//!   taste: { lessons, factor, gapDecay, fitDecay, tracks: [id, heard, skipped, last 0 | 1 | 2, ...],
//!            transitions: [from, to, heard, skipped, ...], gaps: [heard, skipped, ...],
//!            first: [heard, skipped, heard, skipped], heard: [id, ...], partly: [id, ...],
//!            surprise, surpriseUsual,
//!            change: [at, heard, skipped, heard, skipped, heard, skipped],
//!            affinity: { gain, ids: [id, ...], numbers: [bias, v1, ..., v8, bias, ...] },
//!            draws: [heard, skipped, heard, skipped],
//!            follow: [heard, skipped, ...] (6 pairs) },
//!   replay: -1 (unknown) | 0 (first play) | gap, drawn: 0 | 3 | 5,
//!   queue: [id, ...], history: [] | [id, start, end] }
//! ```
//!
//! Version 1 (no `taste`, no `replay`) still restores, with nothing learned per track yet.
//! `queue`, `history`, `drawn`, `taste.surpriseUsual`, `taste.change`, `taste.affinity`,
//! `taste.draws` and `taste.follow` may be absent (snapshots of version 2 made before they
//! existed), `taste.first` may hold its first pair only (made before first plays along links
//! were told apart), and `chain.current` `null` (snapshots made before it became `undefined`
//! when nothing plays).

mod cursor;
mod read;
mod write;

use crate::model::{MAX_EDGES, MAX_TRACKS};

pub(crate) use read::from_js;
pub(crate) use write::{rows_into, to_js, Flavor};

const FORMAT: &str = "memory-player";
/// The longest flat array read: rows at the limits, two numbers a track and two an edge (the
/// engine checks each part's own limits)...
const MAX_FLAT: u32 = (MAX_EDGES as u32) * 2 + (MAX_TRACKS as u32 + 1) * 2;
/// ...but for what a build learned: five numbers an edge.
const MAX_LEARNED: u32 = (MAX_EDGES as u32) * 5;
