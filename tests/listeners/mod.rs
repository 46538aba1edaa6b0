//! Simulated listeners with hidden tastes, and sessions of each policy against them.
//!
//! Shared by `benches/learning.rs` (the whole population, `npm run bench:learning`),
//! `benches/sweep.rs` (a grid of settings, `npm run bench:sweep`) and `tests/learning.rs`
//! (checked in `cargo test`). A listener answers each play by its hidden tastes: moods (or
//! single tracks) it loves, half-likes or dislikes, with exceptions; an intolerance of hearing
//! a track again within `tolerance` plays (or one that fades); sometimes noise; sometimes
//! a change of taste half-way; sometimes ordered sequences (albums) it hears out only in order.
//! Every session is seeded: the same profile gives the same figures.

#![allow(dead_code)]

mod listener;
mod population;

use futures::executor::LocalPool;
use memory_player::engine::{ManualClock, Options, Orchestrator, Policy};
use memory_player::model::{Rng, TrackId};

use listener::{oracle_pick, Affinity, Listener, DURATION};
pub(crate) use listener::{Loading, Outcome, Profile};
// `benches/sweep.rs` builds its own profiles.
#[allow(unused_imports)]
pub(crate) use population::population;

/// Who picks the tracks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Picker {
    /// The engine with default options (and a seed).
    Engine(Policy),
    /// A plain shuffle: every track once in random order, then again.
    Shuffle,
    /// Knows the hidden tastes: always a track least likely to be skipped.
    Oracle,
}

impl Picker {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Picker::Engine(Policy::Adaptive) => "adaptive",
            Picker::Engine(Policy::Seed) => "seed",
            Picker::Shuffle => "shuffle",
            Picker::Oracle => "oracle",
        }
    }
}

/// What one session showed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Session {
    /// Skips (heard < 10 %) over the last third of the session.
    pub(crate) late_skip: f64,
    /// Per play, whether it was skipped.
    pub(crate) skips: Vec<bool>,
    /// `playNext` answered nothing although tracks were known.
    pub(crate) stalls: usize,
    /// After a change of taste: the plays until the skip rate over the last 100 plays was
    /// back within 0.05 of its level before the change (`None`: never, or no change).
    pub(crate) recovered_after: Option<usize>,
    /// Late skips of a track heard within the listener's tolerance (the repeat window's share).
    pub(crate) late_recent_skips: f64,
    /// Late plays of a track never heard before (exploration's share).
    pub(crate) late_first_plays: f64,
    /// The engine's repeat window at the end.
    pub(crate) final_window: u64,
}

/// Who picks the tracks in one session, with what it needs to.
struct Chooser {
    picker: Picker,
    pool: LocalPool,
    engine: Option<Orchestrator>,
    rng: Rng,
    /// The shuffle's tracks still to play this round.
    order: Vec<TrackId>,
}

impl Chooser {
    fn new(profile: &Profile, picker: Picker) -> Self {
        let pool = LocalPool::new();
        let engine = match picker {
            Picker::Engine(policy) => {
                let options = Options {
                    seed: profile.seed,
                    policy,
                    ..Options::default()
                };
                let o = Orchestrator::new(options, pool.spawner(), ManualClock::new(0.0))
                    .unwrap_or_else(|e| panic!("options: {e}"));
                population::load(&o, profile);
                o.rebuild_runtime("catalogue loaded");
                o.start().unwrap_or_else(|e| panic!("start: {e}"));
                Some(o)
            }
            _ => None,
        };
        Self {
            picker,
            pool,
            engine,
            rng: Rng::new(profile.seed ^ 0x5407),
            order: Vec::new(),
        }
    }

    /// The track to play as play `at`; `None` when the engine stalls.
    fn next(&mut self, listener: &Listener, prev: Option<TrackId>, at: usize) -> Option<TrackId> {
        if let Some(o) = &self.engine {
            return o.play_next();
        }
        if self.picker == Picker::Oracle {
            return Some(oracle_pick(listener, prev, at, &mut self.rng));
        }
        if self.order.is_empty() {
            self.order = (1..=listener.tracks()).collect();
            for i in (1..self.order.len()).rev() {
                self.order.swap(i, self.rng.below(i + 1));
            }
        }
        Some(self.order.pop().unwrap_or(1))
    }

    /// Tells the engine how `id` (after `prev`) was heard.
    fn answer(&mut self, prev: Option<TrackId>, id: TrackId, heard: f64) {
        if let Some(o) = &self.engine {
            o.feedback(prev.unwrap_or(0), id, heard, DURATION)
                .unwrap_or_else(|e| panic!("feedback: {e}"));
            self.pool.run_until_stalled();
        }
    }

    /// Stops the engine; returns its repeat window at the end (0 without an engine).
    fn finish(&mut self, profile: &Profile) -> u64 {
        let Some(o) = &self.engine else {
            return 0;
        };
        if std::env::var_os("LEARNING_GAPS").is_some() {
            print_gaps(o, profile, self.picker);
        }
        let window = o.explain_next(1).repeat_window;
        drop(o.stop());
        self.pool.run_until_stalled();
        window
    }
}

/// `LEARNING_GAPS`: the engine's answers per replay-gap bucket.
fn print_gaps(o: &Orchestrator, profile: &Profile, picker: Picker) {
    if let Some(t) = o.snapshot().taste {
        let gaps: Vec<String> = t
            .gaps
            .iter()
            .zip(memory_player::model::GAP_BOUNDS)
            .map(|(e, b)| {
                format!(
                    "{b}:{:.1}/{:.1}",
                    e.heard / t.gap_decay,
                    e.skipped / t.gap_decay
                )
            })
            .collect();
        eprintln!("{} {}: {}", profile.name, picker.name(), gaps.join(" "));
    }
}

/// `LEARNING_KINDS`: the answers of the adaptive policy's session in the 400 plays after a
/// change of taste, per 50 plays: not skipped, skipped as too recent, skipped at a first
/// play, skipped old favourite, other skip.
struct Kinds {
    on: bool,
    change_at: usize,
    /// The listener's tastes before the change.
    before: Vec<Affinity>,
    counts: [usize; 40],
}

impl Kinds {
    fn new(profile: &Profile, picker: Picker) -> Self {
        let on = std::env::var_os("LEARNING_KINDS").is_some()
            && matches!(picker, Picker::Engine(Policy::Adaptive));
        Self {
            on: on && profile.change_at.is_some(),
            change_at: profile.change_at.unwrap_or(usize::MAX),
            before: Vec::new(),
            counts: [0; 40],
        }
    }

    /// Called before play `at` is listened to.
    fn before_listen(&mut self, listener: &Listener, at: usize) {
        if self.on && at == self.change_at {
            self.before = listener.affinity.clone();
        }
    }

    fn count(&mut self, at: usize, id: TrackId, outcome: Outcome, recent: bool, first: bool) {
        let c = self.change_at;
        if !self.on || at < c || at >= c + 400 {
            return;
        }
        let k = if outcome != Outcome::Skipped {
            0
        } else if recent {
            1
        } else if first {
            2
        } else if self.before.get(id as usize) == Some(&Affinity::Love) {
            3
        } else {
            4
        };
        if let Some(slot) = self.counts.get_mut((at - c) / 50 * 5 + k) {
            *slot += 1;
        }
    }

    fn print(&self, name: &str) {
        if self.on {
            let per_50: Vec<_> = self.counts.chunks(5).collect();
            eprintln!("{name}: per 50 plays after the change, (not skipped, skipped as too recent, skipped at a first play, skipped old favourite, other skip): {per_50:?}");
        }
    }
}

/// Runs one session of `picker` against the listener of `profile`.
pub(crate) fn run(profile: &Profile, picker: Picker) -> Session {
    let mut listener = Listener::new(profile);
    let mut chooser = Chooser::new(profile, picker);
    let mut kinds = Kinds::new(profile, picker);
    let mut skips = Vec::with_capacity(profile.plays);
    let (mut stalls, mut recent_skips, mut first_plays) = (0, 0, 0);
    let mut prev: Option<TrackId> = None;
    for at in 0..profile.plays {
        let Some(id) = chooser.next(&listener, prev, at) else {
            stalls += 1;
            continue;
        };
        let last = listener.last.get(id as usize).copied().flatten();
        let first = last.is_none();
        let recent = last.is_some_and(|l| (at - l) as u64 <= profile.tolerance);
        kinds.before_listen(&listener, at);
        let (outcome, heard) = listener.listen(id, prev, at);
        kinds.count(at, id, outcome, recent, first);
        skips.push(outcome == Outcome::Skipped);
        if at >= profile.plays - profile.plays / 3 {
            recent_skips += usize::from(recent && outcome == Outcome::Skipped);
            first_plays += usize::from(first);
        }
        chooser.answer(prev, id, heard);
        prev = Some(id);
    }
    kinds.print(&profile.name);
    let final_window = chooser.finish(profile);
    let third = skips.len() - skips.len() * 2 / 3;
    let late = skips.get(skips.len() - third..).unwrap_or_default();
    let share = |count: usize| count as f64 / late.len().max(1) as f64;
    Session {
        late_skip: share(late.iter().filter(|s| **s).count()),
        late_recent_skips: share(recent_skips),
        late_first_plays: share(first_plays),
        final_window,
        recovered_after: profile.change_at.and_then(|c| recovery(&skips, c)),
        skips,
        stalls,
    }
}

/// Plays after the change at `c` until the skip rate of the last 100 plays is back within
/// 0.05 of the rate over the third before the change.
fn recovery(skips: &[bool], c: usize) -> Option<usize> {
    let rate = |s: &[bool]| s.iter().filter(|x| **x).count() as f64 / s.len().max(1) as f64;
    let before = rate(skips.get(c - c / 3..c)?);
    (100..=skips.len().saturating_sub(c)).find(|k| {
        skips
            .get(c + k - 100..c + k)
            .is_some_and(|w| rate(w) <= before + 0.05)
    })
}
