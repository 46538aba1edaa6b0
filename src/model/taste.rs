//! The adaptive policy's memory of the listener: how they answered each track, each transition
//! and each replay gap, with old answers fading so that a change of taste is followed.
//!
//! Every answer is a value in `[0, 1]` (heard out 1, partly heard 0.5, skipped 0) kept as two
//! sums, `heard` and `skipped`. Forgetting is *forward decay*: an answer given at lesson `t`
//! is stored multiplied by `g^t`, with `g = 1 + ln 2 / half_life` (so answers halve in weight
//! every `half_life` lessons, within 1 % from a half-life of 25 on, and no transcendental
//! function is needed in the wasm),
//! and every sum is read divided by the current factor, so decaying everything costs nothing per lesson (the factor is folded back into the
//! sums, once, when it grows large). The ratio `heard / (heard + skipped)` does not depend on
//! the reading time.

use std::collections::VecDeque;

use super::recency::IdMap;
use super::{Rng, TrackId};

/// Decayed sums of a listener's answers: how much was heard and how much was skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    pub heard: f64,
    pub skipped: f64,
}

impl Evidence {
    fn add(&mut self, heard: f64, skipped: f64) {
        self.heard += heard;
        self.skipped += skipped;
    }

    fn scaled(self, by: f64) -> Self {
        Self {
            heard: self.heard * by,
            skipped: self.skipped * by,
        }
    }

    /// The mean of `prior_mean` seen `prior_weight` times and these answers.
    pub fn mean(self, prior_mean: f64, prior_weight: f64) -> f64 {
        (prior_mean * prior_weight + self.heard) / (prior_weight + self.heard + self.skipped)
    }

    pub fn weight(self) -> f64 {
        self.heard + self.skipped
    }

    fn is_finite_non_negative(self) -> bool {
        self.heard.is_finite()
            && self.skipped.is_finite()
            && self.heard >= 0.0
            && self.skipped >= 0.0
    }
}

/// Lower bounds of the replay-gap buckets, in plays (a gap of 1 replays the track just heard).
/// One bucket per gap up to 24, then about 10 % wider each, so a tolerance of 40 plays is told
/// from one of 45 and a bucket straddling the listener's tolerance stays narrow.
pub const GAP_BOUNDS: [u64; 64] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 29,
    32, 35, 38, 42, 46, 51, 56, 62, 68, 75, 82, 90, 99, 109, 120, 132, 145, 160, 176, 194, 213,
    234, 257, 283, 311, 342, 376, 414, 455, 501, 551, 606, 667, 734, 807, 888, 977, 1075,
];

/// The bucket of a replay gap.
pub fn gap_bucket(gap: u64) -> usize {
    // One bucket per gap up to 24: no search for the usual gaps.
    if (1..=24).contains(&gap) {
        return gap as usize - 1;
    }
    GAP_BOUNDS.partition_point(|b| *b <= gap).saturating_sub(1)
}

/// How a listener answered a play, as the value it is worth: 1 heard out, 0.5 partly, 0 skipped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Answer {
    Heard,
    Partial,
    Skipped,
}

impl Answer {
    fn value(self) -> f64 {
        match self {
            Answer::Heard => 1.0,
            Answer::Partial => 0.5,
            Answer::Skipped => 0.0,
        }
    }
}

/// When the answered track had played before, as far as the engine knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// Its first play: the answer also teaches what unheard tracks are worth.
    First,
    /// Played again this many plays after its previous play (1: twice in a row).
    After(u64),
    /// Not known (a lesson about a track that is not the one playing).
    Unknown,
}

/// The weight of a new answer's prior on an unheard track, in answers.
pub(crate) const TRACK_PRIOR_WEIGHT: f64 = 2.0;
/// The weight of a track's own mean as the prior of each of its transitions, in answers.
pub(crate) const TRANSITION_PRIOR_WEIGHT: f64 = 2.0;
/// The weight of the starting guess for each gap bucket, in answers.
const GAP_PRIOR_WEIGHT: f64 = 0.3;
/// Gap answers fade this many times more slowly than answers about tracks.
const GAP_MEMORY: f64 = 4.0;
/// Each new answer about a track or a transition first multiplies its older answers by this:
/// whatever the clock, the latest answers about an item outweigh its old ones.
const ITEM_MEMORY: f64 = 0.7;
/// An answer to a track expected to be heard out with at least this chance is a prediction
/// put to the test: its miss is a surprise.
const CONFIDENT: f64 = 0.6;
/// The surprise rate is a moving average over about this many confident answers.
const SURPRISE_SPAN: f64 = 16.0;
/// A surprise rate this high is no longer noise (a listener skips a favourite now and then):
/// the listener's taste has changed.
const SURPRISE_CHANGE: f64 = 0.4;
/// What a change of taste leaves of the answers given before it.
const KEPT_AFTER_CHANGE: f64 = 0.2;
/// Once the decay factor passes this, it is folded into the sums.
const RESCALE_AT: f64 = 1e30;

/// The evidence on one track, its last answer, and the play it last played at (0: never): a
/// pick reads both in one lookup.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TrackEntry {
    evidence: Evidence,
    last: Answer,
    played: u64,
}

impl Default for TrackEntry {
    fn default() -> Self {
        Self {
            evidence: Evidence::default(),
            last: Answer::Skipped,
            played: 0,
        }
    }
}

/// The last this many tracks heard out are where a pick draws its liked candidates from.
const HEARD_RING: usize = 256;
/// The last this many tracks partly heard, likewise.
const PARTLY_RING: usize = 64;

/// What the adaptive policy knows of the listener.
#[derive(Clone, Debug)]
pub struct Taste {
    /// Answers recorded so far: the clock of forgetting.
    lessons: u64,
    /// The growth of the decay factor per lesson: `1 + ln 2 / half_life`.
    growth: f64,
    /// The decay factor: what an answer given now is multiplied by when stored.
    factor: f64,
    /// The same for the gap buckets, which fade [`GAP_MEMORY`] times more slowly.
    gap_growth: f64,
    gap_decay: f64,
    /// `gap_decay` when the gap buckets were last fitted: the fit (factors, window, horizon)
    /// is refreshed when a gap is answered, not at every lesson, and is a function of the
    /// saved state alone, so a restored engine has the same fit.
    fit_decay: f64,
    tracks: IdMap<TrackEntry>,
    /// Per source track, the transitions that have evidence, sorted by target.
    transitions: IdMap<Vec<(TrackId, Evidence)>>,
    gaps: [Evidence; GAP_BOUNDS.len()],
    /// Answers to tracks heard for the first time: the prior of every unheard track.
    first: Evidence,
    /// The tracks of the last [`HEARD_RING`] answers "heard out" (and of the last
    /// [`PARTLY_RING`] "partly heard"), oldest first: what a pick draws its known candidates
    /// from, in O(1). Recent answers only, so after a change of taste the old favourites leave
    /// within a few hundred plays even if they are never played again. A track appears once
    /// per such answer, so one often heard out is drawn more often.
    heard: VecDeque<TrackId>,
    partly: VecDeque<TrackId>,
    /// The rate of confident predictions missed lately (a moving average).
    surprise: f64,
    /// Per bucket, the chance a replay at that gap is welcome, relative to the best bucket
    /// (derived from `gaps`; recomputed after each answer).
    gap_factors: [f64; GAP_BOUNDS.len()],

    /// The window: the smallest gap whose factor reaches one half.
    window: u64,
    /// From this gap on, the factor is within 2 % of the best: a replay is as welcome as a new
    /// play, so the pick need not look the gap up.
    horizon: u64,
    start_window: u64,
}

/// Everything a [`Taste`] holds, as plain data, for saving.
#[derive(Clone, Debug, PartialEq)]
pub struct TasteParts {
    pub lessons: u64,
    pub factor: f64,
    pub gap_decay: f64,
    pub fit_decay: f64,
    /// `(track, evidence, last answer)` ascending by track.
    pub tracks: Vec<(TrackId, Evidence, Answer)>,
    /// `(from, to, evidence)` ascending by `(from, to)`.
    pub transitions: Vec<(TrackId, TrackId, Evidence)>,
    pub gaps: Vec<Evidence>,
    pub first: Evidence,
    /// The rings of recent answers heard out, and partly heard, oldest first.
    pub heard: Vec<TrackId>,
    pub partly: Vec<TrackId>,
    pub surprise: f64,
}

impl Taste {
    /// An empty memory forgetting with `half_life` lessons, whose first guess of the repeat
    /// window is `start_window` plays.
    pub fn new(half_life: f64, start_window: u64) -> Self {
        let mut taste = Self {
            lessons: 0,
            growth: 1.0 + std::f64::consts::LN_2 / half_life.max(1.0),
            factor: 1.0,
            gap_growth: 1.0 + std::f64::consts::LN_2 / (GAP_MEMORY * half_life.max(1.0)),
            gap_decay: 1.0,
            fit_decay: 1.0,
            tracks: IdMap::default(),
            transitions: IdMap::default(),
            gaps: [Evidence::default(); GAP_BOUNDS.len()],
            first: Evidence::default(),
            heard: VecDeque::new(),
            partly: VecDeque::new(),
            surprise: 0.0,
            gap_factors: [1.0; GAP_BOUNDS.len()],

            window: start_window,
            horizon: 1,
            start_window: start_window.max(1),
        };
        taste.fit();
        taste
    }

    /// The starting guess that a replay at `gap` is welcome: one half at the starting window,
    /// certain from twice that on.
    fn gap_prior(&self, bucket: usize) -> f64 {
        let gap = GAP_BOUNDS.get(bucket).copied().unwrap_or(1) as f64;
        let w = self.start_window as f64;
        0.9 * (gap / (2.0 * w)).clamp(0.05, 1.0)
    }

    /// Reads a stored sum as of now.
    fn now(&self, e: Evidence) -> Evidence {
        e.scaled(1.0 / self.factor)
    }

    /// Reads a stored gap sum as of now. A listener's tolerance of replays changes more slowly
    /// than their taste: gap answers fade [`GAP_MEMORY`] times more slowly.
    fn gap_now(&self, e: Evidence) -> Evidence {
        e.scaled(1.0 / self.gap_decay)
    }

    /// The track's answers, decayed to now.
    pub fn track(&self, id: TrackId) -> Evidence {
        self.tracks
            .get(&id)
            .map_or_else(Evidence::default, |t| self.now(t.evidence))
    }

    /// The track's answers in stored units (multiply by [`Taste::decay`] to read them as of
    /// now: the hot path of a pick hoists that factor) and the play it last played at, in one
    /// lookup.
    pub fn track_stored(&self, id: TrackId) -> (Evidence, Option<u64>) {
        self.tracks
            .get(&id)
            .map_or((Evidence::default(), None), |t| {
                (t.evidence, (t.played > 0).then_some(t.played))
            })
    }

    /// Notes that `id` played as play number `play` (1-based), as the recency record does.
    pub fn note_play(&mut self, id: TrackId, play: u64) {
        self.tracks.entry(id).or_default().played = play;
    }

    /// True when nothing was learned yet about any track.
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    /// Multiplies every answer about tracks and transitions by `kept` (the gap buckets and the
    /// prior of unheard tracks stay: a change of taste changes neither).
    fn fade(&mut self, kept: f64) {
        for t in self.tracks.values_mut() {
            t.evidence = t.evidence.scaled(kept);
        }
        for row in self.transitions.values_mut() {
            for (_, e) in row.iter_mut() {
                *e = e.scaled(kept);
            }
        }
        self.heard.clear();
        self.partly.clear();
    }

    /// The mean answer to a track heard for the first time: the prior of every unheard track.
    pub fn prior_mean(&self) -> f64 {
        self.now(self.first).mean(0.5, 2.0)
    }

    /// The transitions out of `from` that have evidence, sorted by target, in stored units
    /// (see [`Taste::decay`]).
    pub fn transitions_from(&self, from: TrackId) -> &[(TrackId, Evidence)] {
        self.transitions.get(&from).map_or(&[], Vec::as_slice)
    }

    /// The transition's answers, decayed to now.
    pub fn transition(&self, from: TrackId, to: TrackId) -> Evidence {
        let row = self.transitions_from(from);
        row.binary_search_by_key(&to, |(t, _)| *t)
            .ok()
            .and_then(|at| row.get(at))
            .map_or_else(Evidence::default, |(_, e)| self.now(*e))
    }

    /// What a stored sum is multiplied by to read it as of now.
    pub fn decay(&self) -> f64 {
        1.0 / self.factor
    }

    /// How welcome a replay after `gap` plays is, relative to the best gap (1 for a gap at or
    /// past [`Taste::horizon`]).
    pub fn gap_factor(&self, gap: u64) -> f64 {
        if gap >= self.horizon {
            return 1.0;
        }
        self.gap_factors
            .get(gap_bucket(gap))
            .copied()
            .unwrap_or(1.0)
    }

    /// The repeat window: replays within fewer plays than this are more likely skipped than not.
    pub fn window(&self) -> u64 {
        self.window
    }

    /// From this gap on a replay is as welcome as a first play.
    pub fn horizon(&self) -> u64 {
        self.horizon
    }

    /// The replay-gap buckets' answers, decayed to now.
    pub fn gaps(&self) -> impl Iterator<Item = Evidence> + '_ {
        self.gaps.iter().map(|e| self.gap_now(*e))
    }

    /// A track drawn uniformly from the ring of recent answers `answer` (heard out or partly
    /// heard). A track answered otherwise since stays in the ring until it ages out: its
    /// evidence, not the ring, decides what it is worth.
    pub fn draw(&self, answer: Answer, rng: &mut Rng) -> Option<TrackId> {
        let ring = match answer {
            Answer::Heard => &self.heard,
            Answer::Partial => &self.partly,
            Answer::Skipped => return None,
        };
        if ring.is_empty() {
            return None;
        }
        ring.get(rng.below(ring.len())).copied()
    }

    /// Notes the last answer to `id`, and adds it to the ring of that answer.
    fn set_last(&mut self, id: TrackId, answer: Answer) {
        if let Some(t) = self.tracks.get_mut(&id) {
            t.last = answer;
        }
        let (ring, cap) = match answer {
            Answer::Heard => (&mut self.heard, HEARD_RING),
            Answer::Partial => (&mut self.partly, PARTLY_RING),
            Answer::Skipped => return,
        };
        if ring.len() == cap {
            ring.pop_front();
        }
        ring.push_back(id);
    }

    /// Records an answer to `to`, played after `from`.
    ///
    /// A skip soon after a play is partly the gap's fault: the track is charged in proportion
    /// to how welcome that gap was thought to be, and the gap in proportion to how much the
    /// track was liked. So a listener who skips a favourite heard five plays ago widens the
    /// window rather than losing the favourite, and a disliked track skipped at any gap says
    /// little about gaps.
    pub fn record(&mut self, from: TrackId, to: TrackId, answer: Answer, replay: Replay) {
        let v = answer.value();
        let f = self.factor;
        let mut track_blame = 1.0;
        let mut refit = false;
        match replay {
            Replay::First => self.first.add(v * f, (1.0 - v) * f),
            Replay::After(g) => {
                // The gap is judged on replays of tracks heard out last time: the listener
                // liked them then, so what changed is mostly the gap. A miss on any replay is
                // the track's fault only as far as the gap was thought welcome.
                if self
                    .tracks
                    .get(&to)
                    .is_some_and(|t| t.last == Answer::Heard)
                {
                    let gf = self.gap_decay;
                    if let Some(bucket) = self.gaps.get_mut(gap_bucket(g)) {
                        bucket.add(v * gf, (1.0 - v) * gf);
                    }
                    refit = true;
                }
                track_blame = self.gap_factor(g);
            }
            Replay::Unknown => {}
        }
        // Confident predictions missed (a track thought liked, skipped at a welcome gap) mean
        // the listener's taste is moving: when they pile up, everything learned before is
        // mostly forgotten at once, so new favourites are looked for at once instead of after
        // every old favourite was skipped one by one.
        let expected = self.track(to).mean(self.prior_mean(), TRACK_PRIOR_WEIGHT) * track_blame;
        if replay != Replay::First && expected >= CONFIDENT {
            self.surprise += (1.0 - v - self.surprise) / SURPRISE_SPAN;
            if self.surprise >= SURPRISE_CHANGE {
                self.surprise = 0.0;
                self.fade(KEPT_AFTER_CHANGE);
            }
        }
        let (heard, skipped) = (v * f, (1.0 - v) * track_blame * f);
        self.add_track(to, heard, skipped);
        self.set_last(to, answer);
        let row = self.transitions.entry(from).or_default();
        match row.binary_search_by_key(&to, |(t, _)| *t) {
            Ok(at) => {
                if let Some((_, e)) = row.get_mut(at) {
                    *e = e.scaled(ITEM_MEMORY);
                    e.add(heard, skipped);
                }
            }
            Err(at) => row.insert(at, (to, Evidence { heard, skipped })),
        }
        self.tick();
        if refit {
            self.fit_decay = self.gap_decay;
            self.fit();
        }
    }

    fn add_track(&mut self, id: TrackId, heard: f64, skipped: f64) {
        let entry = self.tracks.entry(id).or_default();
        entry.evidence = entry.evidence.scaled(ITEM_MEMORY);
        entry.evidence.add(heard, skipped);
    }

    /// One lesson more: older answers weigh less from now on.
    fn tick(&mut self) {
        self.lessons += 1;
        self.factor *= self.growth;
        self.gap_decay *= self.gap_growth;
        if self.factor > RESCALE_AT {
            let by = 1.0 / self.factor;
            self.factor = 1.0;
            for t in self.tracks.values_mut() {
                t.evidence = t.evidence.scaled(by);
            }
            for row in self.transitions.values_mut() {
                for (_, e) in row.iter_mut() {
                    *e = e.scaled(by);
                }
            }
            let gap_by = 1.0 / self.gap_decay;
            self.gap_decay = 1.0;
            self.fit_decay *= gap_by;
            for g in &mut self.gaps {
                *g = g.scaled(gap_by);
            }
            self.first = self.first.scaled(by);
        }
    }

    /// Recomputes the gap factors, the window and the horizon from the gap buckets. A longer
    /// gap is never less welcome than a shorter one: the buckets' means are fitted by a
    /// non-decreasing curve (isotonic regression, pool-adjacent-violators, weighted by each
    /// bucket's answers), so skips at 40 plays also lower the welcome at 20 and one noisy
    /// bucket cannot open a hole in the window.
    fn fit(&mut self) {
        // Blocks of pooled buckets: (mean, weight, buckets in the block).
        let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(GAP_BOUNDS.len());
        for b in 0..GAP_BOUNDS.len() {
            let e = self
                .gaps
                .get(b)
                .map_or_else(Evidence::default, |e| e.scaled(1.0 / self.fit_decay));
            let mut block = (
                e.mean(self.gap_prior(b), GAP_PRIOR_WEIGHT),
                GAP_PRIOR_WEIGHT + e.weight(),
                1,
            );
            while let Some(&(m, w, n)) = blocks.last() {
                if m <= block.0 {
                    break;
                }
                blocks.pop();
                let weight = w + block.1;
                block = ((m * w + block.0 * block.1) / weight, weight, n + block.2);
            }
            blocks.push(block);
        }
        let mut means = [0.0; GAP_BOUNDS.len()];
        let mut slots = means.iter_mut();
        for (m, _, n) in &blocks {
            for slot in slots.by_ref().take(*n) {
                *slot = *m;
            }
        }
        let best = blocks.last().map_or(1.0, |b| b.0);
        let top = best.max(f64::MIN_POSITIVE);
        self.window = self.change_point();
        self.horizon = 1;
        for (b, (factor, m)) in self.gap_factors.iter_mut().zip(means).enumerate() {
            let bound = GAP_BOUNDS.get(b).copied().unwrap_or(1);
            // Below the window a replay is more likely skipped than not, whatever the fit says.
            *factor = if bound < self.window {
                (m / top).min(0.5)
            } else {
                m / top
            };
            if *factor < 0.98 {
                self.horizon = GAP_BOUNDS.get(b + 1).copied().unwrap_or(bound + 1);
            }
        }
    }

    /// The repeat window: the gap that best splits the replays, skipped below and heard out
    /// from it on (the fewest answers on the wrong side; the narrower window on a tie). The
    /// starting guess counts as half an answer each side of it, so with no evidence the window
    /// is the starting guess; each skip of a replay at a gap at or past the window pulls it
    /// wider, each replay heard out inside it pulls it narrower.
    fn change_point(&self) -> u64 {
        let start = gap_bucket(self.start_window);
        let answers = |b: usize| {
            let e = self
                .gaps
                .get(b)
                .map_or_else(Evidence::default, |e| e.scaled(1.0 / self.fit_decay));
            let skipped = e.skipped + if b + 1 == start { 0.5 } else { 0.0 };
            let heard = e.heard + if b == start { 0.5 } else { 0.0 };
            (heard, skipped)
        };
        // Threshold at bucket 0: every answer is "at or past the window"; the wrong ones are skips.
        let mut cost: f64 = (0..GAP_BOUNDS.len()).map(|b| answers(b).1).sum();
        let (mut best, mut best_cost) = (0, cost);
        for b in 0..GAP_BOUNDS.len() {
            // Moving the threshold past bucket b puts its answers below the window.
            let (heard, skipped) = answers(b);
            cost += heard - skipped;
            if cost < best_cost - 1e-12 {
                (best, best_cost) = (b + 1, cost);
            }
        }
        GAP_BOUNDS
            .get(best)
            .copied()
            .unwrap_or(GAP_BOUNDS.last().map_or(1, |b| b + 1))
    }

    /// Forgets a track: its answers, and every transition to or from it.
    pub fn forget(&mut self, id: TrackId) {
        self.tracks.remove(&id);
        self.heard.retain(|t| *t != id);
        self.partly.retain(|t| *t != id);
        self.transitions.remove(&id);
        for row in self.transitions.values_mut() {
            row.retain(|(to, _)| *to != id);
        }
        self.transitions.retain(|_, row| !row.is_empty());
    }

    /// Everything this memory holds, in id order.
    pub fn parts(&self) -> TasteParts {
        // Ids are sorted as (id, 0) pairs: the same code that sorts the recency record, so
        // the wasm carries one sort.
        let sorted = |ids: &mut dyn Iterator<Item = TrackId>| {
            let mut v: Vec<(TrackId, u64)> = ids.map(|id| (id, 0)).collect();
            v.sort_unstable();
            v
        };
        let tracks = sorted(&mut self.tracks.keys().copied())
            .into_iter()
            .filter_map(|(id, _)| self.tracks.get(&id).map(|t| (id, t.evidence, t.last)))
            // An entry that only notes a play is restored from the recency record.
            .filter(|(_, e, last)| e.weight() > 0.0 || *last != Answer::Skipped)
            .collect();
        let transitions = sorted(&mut self.transitions.keys().copied())
            .into_iter()
            .flat_map(|(from, _)| {
                self.transitions_from(from)
                    .iter()
                    .map(move |(to, e)| (from, *to, *e))
            })
            .collect();
        TasteParts {
            lessons: self.lessons,
            factor: self.factor,
            gap_decay: self.gap_decay,
            fit_decay: self.fit_decay,
            tracks,
            transitions,
            gaps: self.gaps.to_vec(),
            first: self.first,
            heard: self.heard.iter().copied().collect(),
            partly: self.partly.iter().copied().collect(),
            surprise: self.surprise,
        }
    }

    /// A memory rebuilt from saved parts, or the name of the part that is malformed.
    pub fn restore(
        parts: &TasteParts,
        half_life: f64,
        start_window: u64,
    ) -> Result<Self, &'static str> {
        let mut taste = Self::new(half_life, start_window);
        let in_range = |f: f64| f.is_finite() && (1.0..=RESCALE_AT * 2.0).contains(&f);
        let fit_ok = parts.fit_decay.is_finite() && parts.fit_decay > 0.0;
        if !in_range(parts.factor) || !in_range(parts.gap_decay) || !fit_ok {
            return Err("factor");
        }
        taste.lessons = parts.lessons;
        taste.factor = parts.factor;
        taste.gap_decay = parts.gap_decay;
        if !parts.first.is_finite_non_negative() {
            return Err("first");
        }
        taste.first = parts.first;
        if parts.gaps.len() != GAP_BOUNDS.len() {
            return Err("gaps");
        }
        for (slot, e) in taste.gaps.iter_mut().zip(&parts.gaps) {
            if !e.is_finite_non_negative() {
                return Err("gaps");
            }
            *slot = *e;
        }
        let mut last = None;
        for (id, e, answer) in &parts.tracks {
            if *id == 0 || last.is_some_and(|l| l >= *id) || !e.is_finite_non_negative() {
                return Err("tracks");
            }
            last = Some(*id);
            taste.tracks.insert(
                *id,
                TrackEntry {
                    evidence: *e,
                    last: *answer,
                    played: 0,
                },
            );
        }
        // The rings name known tracks, and are no longer than they can be.
        for (ring, cap, saved) in [
            (&mut taste.heard, HEARD_RING, &parts.heard),
            (&mut taste.partly, PARTLY_RING, &parts.partly),
        ] {
            if saved.len() > cap || saved.iter().any(|id| !taste.tracks.contains_key(id)) {
                return Err("rings");
            }
            ring.extend(saved.iter().copied());
        }
        if !(0.0..=1.0).contains(&parts.surprise) {
            return Err("surprise");
        }
        taste.surprise = parts.surprise;
        let mut last = None;
        for (from, to, e) in &parts.transitions {
            if *to == 0 || last.is_some_and(|l| l >= (*from, *to)) || !e.is_finite_non_negative() {
                return Err("transitions");
            }
            last = Some((*from, *to));
            taste.transitions.entry(*from).or_default().push((*to, *e));
        }
        taste.fit_decay = parts.fit_decay;
        taste.fit();
        Ok(taste)
    }
}

impl PartialEq for Taste {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_gap_in_order() {
        assert_eq!(gap_bucket(1), 0);
        assert_eq!(gap_bucket(8), 7);
        assert_eq!(gap_bucket(24), 23);
        assert_eq!(gap_bucket(25), 23);
        assert_eq!(gap_bucket(26), 24);
        assert_eq!(gap_bucket(u64::MAX), GAP_BOUNDS.len() - 1);
        let mut last = 0;
        for g in 1..2000 {
            let b = gap_bucket(g);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn old_answers_fade() {
        let mut t = Taste::new(100.0, 8);
        t.record(0, 1, Answer::Heard, Replay::First);
        let fresh = t.track(1).heard;
        for _ in 0..100 {
            t.record(0, 2, Answer::Heard, Replay::First);
        }
        assert!((t.track(1).heard / fresh - 0.5).abs() < 0.005);
    }

    #[test]
    fn skipped_replays_widen_the_window_and_heard_ones_narrow_it() {
        let mut t = Taste::new(1000.0, 8);
        assert_eq!(t.window(), 8);
        for id in 1..=20 {
            t.record(0, id, Answer::Heard, Replay::First);
            t.record(0, id, Answer::Heard, Replay::First);
        }
        for _ in 0..10 {
            for id in 1..=20 {
                t.record(0, id, Answer::Skipped, Replay::After(20));
            }
        }
        assert!(t.window() > 20, "{}", t.window());
        let mut t = Taste::new(1000.0, 8);
        for _ in 0..10 {
            for id in 1..=20 {
                t.record(0, id, Answer::Heard, Replay::After(3));
            }
        }
        assert!(t.window() <= 3, "{}", t.window());
    }

    #[test]
    fn rescaling_keeps_what_is_read() {
        let mut t = Taste::new(1.0, 8);
        for i in 0..200 {
            t.record(0, 1 + i % 3, Answer::Heard, Replay::First);
        }
        let mut u = Taste::new(1.0, 8);
        for i in 0..200 {
            u.record(0, 1 + i % 3, Answer::Heard, Replay::First);
            if i == 150 {
                let parts = u.parts();
                u = Taste::restore(&parts, 1.0, 8).unwrap();
            }
        }
        assert_eq!(t.parts(), u.parts());
        assert!(t.track(3).heard.is_finite());
    }
}
