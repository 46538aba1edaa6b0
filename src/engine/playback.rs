//! Navigation and playback: generated picks, the listener's choices, the back and forward
//! stacks, the queue, and the explanation of the next pick.

use super::lessons::lesson_fits;
use super::orchestrator::State;
use super::{EngineError, Event, LearnKind, Orchestrator, PlaySource, Policy, MAX_QUEUE};
use crate::model::{
    check_target, choose_adaptive, choose_next, explain_adaptive, explain_next, repeat_window,
    sort_pairs, Answer, Breadth, Draw, Explained, Explanation, ModelError, PlaybackChain, Replay,
    Rng, TrackId, START,
};

impl Orchestrator {
    /// The next track: the forward stack first (learning stays frozen), else a generated pick
    /// that thaws learning and is one cooldown step. `None` only when no track is known.
    pub fn play_next(&self) -> Option<TrackId> {
        // Steps of earlier plays that the cooldown manager has not applied yet (a burst before
        // the executor ran) are applied first, so a pick never depends on executor timing.
        self.apply_pending_cooldowns();
        let (id, source) = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            if let Some(id) = state.chain.forward() {
                state.record_play(id);
                (id, PlaySource::Forward)
            } else if let Some(id) = state.queue.pop_front() {
                state.chain.next(id);
                state.record_play(id);
                (id, PlaySource::Queue)
            } else {
                let (id, drawn) = self.generate(state)?;
                state.chain.next(id);
                state.record_play(id);
                state.drawn = drawn;
                (id, PlaySource::Generated)
            }
        };
        if source != PlaySource::Forward {
            self.cooldown_step();
        }
        self.emit(Event::Play { id, source });
        Some(id)
    }

    /// The listener picked `id`: it becomes current as a generated pick would (the back stack
    /// grows, the forward stack is cleared, learning thaws), the repeat window counts it, it
    /// is a cooldown step, and the transition from the track before it (the start node when
    /// none) is learned as a choice: a bonus of `choice_amount`, and for the listener's taste
    /// an answer "heard". Picking the track that plays teaches nothing; neither does a choice
    /// when the graph is full (it still plays). Returns true when the choice was learned.
    pub fn play_track(&self, id: TrackId) -> Result<bool, EngineError> {
        check_target(id)?;
        let learned_from = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            // A track deleted while it played is no source to learn from.
            let from = match state.chain.current() {
                Some(current) if !state.chain.current_removed() => current,
                _ => START,
            };
            state.chain.next(id);
            state.record_play(id);
            let learned = from != id && {
                let mut build = state.build.borrow_mut();
                lesson_fits(&state.base, &mut build, from, id).is_ok()
                    && build
                        .reinforce(from, id, self.inner.options.choice_amount)
                        .is_ok()
            };
            if learned {
                // A choice says the listener wanted this track after that one; how long they
                // listen is the answer `feedback` gives, with what it says about replay gaps.
                if let Some(taste) = state.kept_taste() {
                    taste.record(from, id, Answer::Heard, Replay::Unknown);
                }
            }
            learned.then_some(from)
        };
        self.cooldown_step();
        if learned_from.is_some() {
            self.signal_diffs();
        }
        self.emit(Event::Play {
            id,
            source: PlaySource::Chosen,
        });
        if let Some(from) = learned_from {
            self.emit(Event::Learn {
                from,
                to: id,
                kind: LearnKind::Choice,
            });
        }
        Ok(learned_from.is_some())
    }

    /// Steps back in the chain (freezing learning); `None` when there is nothing to go back to.
    pub fn play_back(&self) -> Option<TrackId> {
        let id = {
            let mut state = self.inner.state.borrow_mut();
            let id = state.chain.back()?;
            state.record_play(id);
            id
        };
        self.emit(Event::Play {
            id,
            source: PlaySource::Back,
        });
        Some(id)
    }

    /// Appends tracks to the queue, which `play_next` plays before any generated pick (after
    /// the forward stack). The whole list is refused when it holds the start node or would
    /// take the queue past [`MAX_QUEUE`].
    pub fn enqueue(&self, ids: &[TrackId]) -> Result<(), EngineError> {
        if ids.contains(&START) {
            return Err(ModelError::StartAsTarget.into());
        }
        {
            let mut state = self.inner.state.borrow_mut();
            if state.queue.len() + ids.len() > MAX_QUEUE {
                return Err(EngineError::QueueFull);
            }
            state.queue.extend(ids);
        }
        self.changed();
        Ok(())
    }

    /// The queue, next first (a copy).
    pub fn queue(&self) -> Vec<TrackId> {
        self.inner.state.borrow().queue.iter().copied().collect()
    }

    /// Removes every occurrence of each of `ids` from the queue; true when any was queued.
    pub fn remove_from_queue(&self, ids: &[TrackId]) -> bool {
        // Sorted through the crate's one sort (see `sort_pairs`).
        let mut gone: Vec<(TrackId, u64)> = ids.iter().map(|id| (*id, 0)).collect();
        sort_pairs(&mut gone);
        let removed = {
            let mut state = self.inner.state.borrow_mut();
            let before = state.queue.len();
            state
                .queue
                .retain(|q| gone.binary_search_by_key(q, |(id, _)| *id).is_err());
            state.queue.len() != before
        };
        if removed {
            self.changed();
        }
        removed
    }

    /// Empties the queue.
    pub fn clear_queue(&self) {
        self.inner.state.borrow_mut().queue.clear();
        self.changed();
    }

    /// The candidates of the next generated pick and the chance of each, the most likely
    /// first and at most `limit` of them. It consumes no randomness.
    pub fn explain_next(&self, limit: usize) -> Explanation {
        self.apply_pending_cooldowns();
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        let draw = Draw {
            build: &build,
            current: state.chain.current(),
            recency: &state.recency,
            taste: &state.taste,
            rules: &self.inner.rules,
        };
        match self.inner.options.policy {
            Policy::Seed => explain_next(draw, limit),
            Policy::Adaptive => adaptive_explanation(draw, &state.rng, limit),
        }
    }

    /// A generated pick by the engine's policy from the current track, with how the adaptive
    /// policy drew it; `None` only when no track is known.
    fn generate(&self, state: &mut State) -> Option<(TrackId, Option<Breadth>)> {
        // Field by field: the pick reads the chain, the plays and the taste while it advances
        // the generator and fills a buffer.
        let State {
            build,
            chain,
            recency,
            taste,
            rng,
            scratch,
            picks,
            ..
        } = state;
        let build = build.borrow();
        let draw = Draw {
            build: &build,
            current: chain.current(),
            recency,
            taste,
            rules: &self.inner.rules,
        };
        match self.inner.options.policy {
            Policy::Seed => choose_next(draw, rng, scratch).map(|id| (id, None)),
            Policy::Adaptive => choose_adaptive(draw, rng, picks),
        }
    }

    /// A copy of the playback chain.
    pub fn playback_chain(&self) -> PlaybackChain {
        self.inner.state.borrow().chain.clone()
    }
}

/// [`Orchestrator::explain_next`] under the adaptive policy: its scored candidates, with
/// the build's own part of each edge beside them.
fn adaptive_explanation(draw: Draw<'_>, rng: &Rng, limit: usize) -> Explanation {
    let build = draw.build;
    let row = draw.current.unwrap_or(START);
    let window = repeat_window(build, draw.taste);
    let context = draw.taste.context(row).gate();
    let (candidates, way) = explain_adaptive(draw, rng);
    let candidates = candidates
        .into_iter()
        .take(limit)
        .map(|(s, probability)| {
            let learned = build.learned_edge(row, s.id).copied().unwrap_or_default();
            Explained {
                id: s.id,
                base: build.base().weight(row, s.id),
                bonus: learned.bonus,
                penalty: learned.penalty,
                cooldown: learned.cooldown,
                transition: s.transition,
                track: s.track,
                affinity: s.affinity,
                plays_ago: s.plays_ago,
                recent: s.plays_ago.is_some_and(|ago| ago + 1 < window),
                score: s.worth,
                probability,
            }
        })
        .collect();
    Explanation {
        row,
        repeat_window: window,
        context,
        drawn: way.map_or(0, Breadth::drawn),
        candidates,
    }
}
