//! A listening history learned as if it had been played: the types of
//! [`super::Orchestrator::learn_history`].

use std::fmt;

use crate::model::TrackId;

/// One play of a history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPlay {
    pub id: TrackId,
    pub listened_secs: f64,
    pub duration_secs: f64,
    /// When the play started, in milliseconds since the epoch.
    pub at_ms: f64,
}

/// Why a play of a history was refused. A refused play changes nothing; the next one follows
/// the last play accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The entry is not a play at all (from JS: not an object).
    Entry,
    /// The id is not a track id (an integer from 1 to 2^32 - 1).
    Id,
    /// The listened time is not a finite number >= 0.
    Listened,
    /// The duration is not a finite number > 0.
    Duration,
    /// The start time is not a finite number.
    At,
    /// It started before the play before it.
    OutOfOrder,
    /// Learning it would take the graph past its limits.
    Full,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Entry => {
                "a play must be an object { id, listenedSeconds, durationSeconds, at }"
            }
            Refusal::Id => "id must be an integer from 1 to 4294967295",
            Refusal::Listened => "listenedSeconds must be a finite number >= 0",
            Refusal::Duration => "durationSeconds must be a finite number > 0",
            Refusal::At => "at must be a finite number of milliseconds since the epoch",
            Refusal::OutOfOrder => "at is earlier than the play before it",
            Refusal::Full => "the graph is full",
        })
    }
}

/// What [`super::Orchestrator::learn_history`] learned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HistoryReport {
    /// Plays learned.
    pub plays: u64,
    /// Of those, plays that followed another track in the same session (the rest started a
    /// session, and were learned from the start node).
    pub transitions: u64,
    /// Sessions started.
    pub sessions: u64,
    /// Plays refused, by index in the history given, with the reason.
    pub refused: Vec<(usize, Refusal)>,
}
