//! Lessons: what a listen teaches (`learn`, `feedback`) and the checks that keep a lesson
//! inside the graph's limits.

use std::rc::Rc;

use super::{Build, EngineError, Event, LearnKind, Options, Orchestrator};
use crate::model::{
    at_most, check_edge, check_target, Answer, BaseGraph, Growth, ModelError, Replay, Room,
    RuntimeGraph, TrackId, MAX_EDGES, MAX_TRACKS,
};

/// What the graph may still grow by: the limits, less the live base and what the current
/// build adds when it is folded.
pub(super) fn room(base: &BaseGraph, build: &RuntimeGraph) -> Room {
    let grown = build.grown();
    Room {
        tracks: MAX_TRACKS.saturating_sub(base.track_count() + grown.tracks),
        edges: MAX_EDGES.saturating_sub(base.edge_count() + grown.edges),
    }
}

/// A lesson, or an edit of one edge, adds at most two tracks and two edges.
pub(super) const MOST: Growth = Growth {
    tracks: 2,
    edges: 2,
};

/// Refuses a lesson on `from -> to` that would take the graph past its limits. Far from them
/// nothing is looked up; near them, what the build adds is counted exactly first.
pub(super) fn lesson_fits(
    base: &BaseGraph,
    build: &mut RuntimeGraph,
    from: TrackId,
    to: TrackId,
) -> Result<(), ModelError> {
    if MOST.fits(room(base, build)) {
        return Ok(());
    }
    build.recount_growth(base);
    if build.growth_over(base, from, to).fits(room(base, build)) {
        Ok(())
    } else {
        Err(ModelError::Full)
    }
}

impl Orchestrator {
    /// A bonus of 1 on `from -> to` in the current build. A no-op (returning false) while
    /// learning is frozen.
    pub fn learn(&self, from: TrackId, to: TrackId) -> Result<bool, EngineError> {
        check_edge(to, 1.0)?;
        {
            let state = self.inner.state.borrow();
            if state.chain.learning_frozen() {
                return Ok(false);
            }
            let mut build = state.build.borrow_mut();
            lesson_fits(&state.base, &mut build, from, to)?;
            build.reinforce(from, to, 1.0)?;
        }
        if let Some(taste) = self.inner.state.borrow_mut().kept_taste() {
            taste.record(from, to, Answer::Heard, Replay::Unknown);
        }
        self.signal_diffs();
        self.emit(Event::Learn {
            from,
            to,
            kind: LearnKind::Reinforce,
        });
        Ok(true)
    }

    /// Learns from how much of `to` was heard after `from`: a reinforcement from
    /// `reinforce_threshold` on, a skip (penalty and cooldown) under `skip_threshold`, a
    /// partial listen (a smaller penalty and cooldown) in between. `None` while learning is
    /// frozen. Bad input is an error and changes nothing.
    pub fn feedback(
        &self,
        from: TrackId,
        to: TrackId,
        listened_secs: f64,
        duration_secs: f64,
    ) -> Result<Option<LearnKind>, EngineError> {
        let (kind, amount, cooldown) = judge(&self.inner.options, listened_secs, duration_secs)?;
        check_target(to)?;
        {
            // One borrow of the state and one of the build for the whole lesson (each borrow is
            // a call in the size-optimised wasm).
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            if state.chain.learning_frozen() {
                return Ok(None);
            }
            let mut build = state.build.borrow_mut();
            if cooldown > 0 {
                // Steps still pending belong to plays made before this cooldown: apply them
                // first, or they would shorten it (a cooldown of 3 plays lasting 2).
                self.apply_pending_cooldowns_to(&mut build);
            }
            lesson_fits(&state.base, &mut build, from, to)?;
            teach(&mut build, from, to, kind, amount, cooldown)?;
            drop(build);
            // Only the answer to the track playing knows when it played before; a second
            // answer to the same play teaches nothing more about gaps.
            let (replay, drawn) = if state.chain.current() == Some(to) {
                (
                    std::mem::replace(&mut state.replay, Replay::Unknown),
                    state.drawn.take(),
                )
            } else {
                (Replay::Unknown, None)
            };
            if let Some(taste) = state.record_answer(from, to, answer(kind), replay, false) {
                if let Some(way) = drawn {
                    taste.answer_breadth(way, answer(kind));
                }
            }
        }
        self.signal_diffs();
        self.emit(Event::Learn { from, to, kind });
        Ok(Some(kind))
    }

    /// Edits a build directly. When it is the current build, the diff manager is told, as for
    /// any lesson. Do not hold a borrow of `build` while calling this.
    pub fn edit_build<R>(
        &self,
        build: &Build,
        edit: impl FnOnce(&mut RuntimeGraph) -> Result<R, ModelError>,
    ) -> Result<R, ModelError> {
        let current = Rc::ptr_eq(build, &self.inner.state.borrow().build);
        if current {
            // Pending steps belong to earlier plays: a cooldown set here must not pay for them.
            self.apply_pending_cooldowns();
            // An edit of one edge adds at most two tracks and two edges when it is folded.
            let state = self.inner.state.borrow();
            let mut b = build.borrow_mut();
            if !MOST.fits(room(&state.base, &b)) {
                b.recount_growth(&state.base);
                if !MOST.fits(room(&state.base, &b)) {
                    return Err(ModelError::Full);
                }
            }
        }
        let result = edit(&mut build.borrow_mut())?;
        self.changed();
        if Rc::ptr_eq(build, &self.inner.state.borrow().build) {
            self.signal_diffs();
        }
        Ok(result)
    }
}

/// What a listen of `listened_secs` of `duration_secs` teaches: a reinforcement from
/// `reinforce_threshold` on, a skip under `skip_threshold`, a partial listen in between; with
/// its amount and cooldown.
pub(super) fn judge(
    o: &Options,
    listened_secs: f64,
    duration_secs: f64,
) -> Result<(LearnKind, f64, u32), EngineError> {
    if !(listened_secs.is_finite() && listened_secs >= 0.0) {
        return Err(EngineError::InvalidListened);
    }
    if !(duration_secs.is_finite() && duration_secs > 0.0) {
        return Err(EngineError::InvalidDuration);
    }
    let progress = at_most(listened_secs / duration_secs, 1.0);
    Ok(if progress >= o.reinforce_threshold {
        (LearnKind::Reinforce, o.reinforce_amount, 0)
    } else if progress < o.skip_threshold {
        (LearnKind::Skip, o.skip_penalty, o.skip_cooldown)
    } else {
        (LearnKind::Penalty, o.penalty_amount, o.penalty_cooldown)
    })
}

/// Puts what `judge` decided into a build.
pub(super) fn teach(
    build: &mut RuntimeGraph,
    from: TrackId,
    to: TrackId,
    kind: LearnKind,
    amount: f64,
    cooldown: u32,
) -> Result<(), ModelError> {
    match kind {
        LearnKind::Reinforce | LearnKind::Choice => build.reinforce(from, to, amount),
        LearnKind::Penalty | LearnKind::Skip => {
            build.penalty_and_cooldown(from, to, amount, cooldown)
        }
    }
}

/// The answer a lesson gives the listener's taste.
pub(super) fn answer(kind: LearnKind) -> Answer {
    match kind {
        LearnKind::Reinforce | LearnKind::Choice => Answer::Heard,
        LearnKind::Penalty => Answer::Partial,
        LearnKind::Skip => Answer::Skipped,
    }
}
