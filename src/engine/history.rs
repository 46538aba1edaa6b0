//! A listening history learned as if it had been played: [`Orchestrator::learn_history`] and
//! its types.

use std::fmt;

use super::lessons::{answer, judge, lesson_fits, teach};
use super::orchestrator::State;
use super::snapshot::HistoryEnd;
use super::{EngineError, LearnKind, Options, Orchestrator};
use crate::model::{Replay, TrackId, START};

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

impl Refusal {
    /// Why, in words naming the field (as JS calls it).
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Entry => "a play must be an object",
            Refusal::Id => "id must be an integer from 1 to 4294967295",
            Refusal::Listened => "listenedSeconds must be a finite number >= 0",
            Refusal::Duration => "durationSeconds must be a finite number > 0",
            Refusal::At => "at must be a finite number",
            Refusal::OutOfOrder => "at is earlier than the play before it",
            Refusal::Full => "the graph is full",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// What [`Orchestrator::learn_history`] learned.
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

impl Orchestrator {
    /// Learns an ordered listening history as if it had been played: each play is a play (the
    /// repeat window and the replay gaps count it, and it is a cooldown step) and a lesson by
    /// the rules of [`Orchestrator::feedback`], from the play before it, or from the start node
    /// when it starts a session: when it is the first, or starts more than `session_gap_ms`
    /// after the one before it ended (`at_ms + listened`). A play that is refused changes
    /// nothing; the one after it follows the last play learned. A history given in several
    /// calls goes on in one session when the next call's first play follows within the gap.
    ///
    /// The playback chain and the queue are left alone, learning is not frozen by navigation,
    /// and no event is emitted: the report says what was learned.
    pub fn learn_history(
        &self,
        plays: impl IntoIterator<Item = Result<HistoryPlay, Refusal>>,
    ) -> HistoryReport {
        self.apply_pending_cooldowns();
        let mut report = HistoryReport::default();
        {
            let mut state = self.inner.state.borrow_mut();
            let mut import = Import {
                options: &self.inner.options,
                last: state.history.map(|h| (h, false)),
            };
            for (index, play) in plays.into_iter().enumerate() {
                match import.learn(&mut state, play) {
                    Ok(true) => report.transitions += 1,
                    Ok(false) => report.sessions += 1,
                    Err(why) => {
                        report.refused.push((index, why));
                        continue;
                    }
                }
                report.plays += 1;
            }
            state.history = import.last.map(|(h, _)| h);
            if let Some(taste) = state.kept_taste() {
                taste.finish_bulk();
            }
        }
        if report.plays > 0 {
            self.signal_diffs();
        }
        self.changed();
        report
    }
}

/// A judged play: the play, and what it teaches (kind, amount, cooldown).
type Judged = (HistoryPlay, (LearnKind, f64, u32));

/// One import under way.
struct Import<'a> {
    options: &'a Options,
    /// The last play learned, and whether this call learned it.
    last: Option<(HistoryEnd, bool)>,
}

impl Import<'_> {
    /// Learns one play; true when it followed the play before it in its session, false when it
    /// started a session.
    fn learn(
        &mut self,
        state: &mut State,
        play: Result<HistoryPlay, Refusal>,
    ) -> Result<bool, Refusal> {
        let (p, (kind, amount, cooldown)) = self.judge(play)?;
        let follows = self.follows(&p);
        let from = follows.unwrap_or(START);
        {
            let mut build = state.build.borrow_mut();
            if p.id == START {
                return Err(Refusal::Id);
            }
            if lesson_fits(&state.base, &mut build, from, p.id).is_err() {
                return Err(Refusal::Full);
            }
            // The play: a cooldown step for what earlier plays set, then the record of it.
            build.reduce_cooldowns(1);
            if teach(&mut build, from, p.id, kind, amount, cooldown).is_err() {
                return Err(Refusal::Id);
            }
        }
        state.record_play(p.id);
        let replay = std::mem::replace(&mut state.replay, Replay::Unknown);
        state.record_answer(from, p.id, answer(kind), replay, true);
        self.last = Some((
            HistoryEnd {
                id: p.id,
                start: p.at_ms,
                end: p.at_ms + p.listened_secs * 1000.0,
            },
            true,
        ));
        Ok(follows.is_some())
    }

    /// Checks a play's time and order, then judges it by the feedback rules.
    fn judge(&self, play: Result<HistoryPlay, Refusal>) -> Result<Judged, Refusal> {
        let p = play?;
        if !p.at_ms.is_finite() {
            return Err(Refusal::At);
        }
        if self
            .last
            .is_some_and(|(h, this_call)| this_call && p.at_ms < h.start)
        {
            return Err(Refusal::OutOfOrder);
        }
        let judged =
            judge(self.options, p.listened_secs, p.duration_secs).map_err(|e| match e {
                EngineError::InvalidListened => Refusal::Listened,
                _ => Refusal::Duration,
            })?;
        Ok((p, judged))
    }

    /// The track `p` follows in its session; `None` when it starts one.
    fn follows(&self, p: &HistoryPlay) -> Option<TrackId> {
        self.last.and_then(|(h, this_call)| {
            let silence = p.at_ms - h.end;
            let in_order = this_call || p.at_ms >= h.start;
            (in_order && silence <= self.options.session_gap_ms as f64).then_some(h.id)
        })
    }
}
