//! The adaptive policy's memory of the listener: how they answered each track, each transition
//! and each replay gap, with old answers fading so that a change of taste is followed.
//!
//! Every answer is a value in `[0, 1]` (heard out 1, partly heard 0.5, skipped 0) kept as two
//! sums, `heard` and `skipped`. Forgetting is *forward decay*: an answer given at lesson `t`
//! is stored multiplied by `2^(t / half_life)`, and every sum is read divided by the current
//! factor, so decaying everything costs nothing per lesson (the factor is folded back into the
//! sums, once, when it grows large). The ratio `heard / (heard + skipped)` does not depend on
//! the reading time, which is what orders the pool of known tracks.

use std::collections::BTreeSet;

use super::recency::IdMap;
use super::TrackId;

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
/// One bucket per gap up to 8, then about 20 % wider each, so a tolerance of 40 plays is told
/// from one of 50.
pub const GAP_BOUNDS: [u64; 32] = [
    1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 24, 29, 35, 42, 50, 60, 72, 86, 103, 124, 149, 179,
    215, 258, 310, 372, 446, 535, 642,
];

/// The bucket of a replay gap.
pub fn gap_bucket(gap: u64) -> usize {
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
const GAP_PRIOR_WEIGHT: f64 = 1.0;
/// Gap answers fade this many times more slowly than answers about tracks.
const GAP_MEMORY: f64 = 4.0;
/// Each new answer about a track or a transition first multiplies its older answers by this:
/// whatever the clock, the latest answers about an item outweigh its old ones.
const ITEM_MEMORY: f64 = 0.7;
/// Once the decay factor passes this, it is folded into the sums.
const RESCALE_AT: f64 = 1e30;

/// The evidence on one track, and its key in the pool.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TrackEntry {
    evidence: Evidence,
    key: u32,
    /// The last answer to it was "heard out".
    last_heard: bool,
}

/// The pool's order: best ratio first. Ratios are kept to 24 bits, ties broken by id.
fn pool_key(e: Evidence) -> u32 {
    let total = e.weight();
    let ratio = if total > 0.0 { e.heard / total } else { 0.0 };
    ((1.0 - ratio.clamp(0.0, 1.0)) * f64::from(1u32 << 24)) as u32
}

/// What the adaptive policy knows of the listener.
#[derive(Clone, Debug)]
pub struct Taste {
    /// Answers recorded so far: the clock of forgetting.
    lessons: u64,
    /// `2^(1 / half_life)`: the growth of the decay factor per lesson.
    growth: f64,
    /// The decay factor: what an answer given now is multiplied by when stored.
    factor: f64,
    tracks: IdMap<TrackEntry>,
    /// Per source track, the transitions that have evidence, sorted by target.
    transitions: IdMap<Vec<(TrackId, Evidence)>>,
    gaps: [Evidence; GAP_BOUNDS.len()],
    /// Answers to tracks heard for the first time: the prior of every unheard track.
    first: Evidence,
    /// Tracks with evidence, best ratio first.
    pool: BTreeSet<(u32, TrackId)>,
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
    /// `(track, evidence, last answer heard out)` ascending by track.
    pub tracks: Vec<(TrackId, Evidence, bool)>,
    /// `(from, to, evidence)` ascending by `(from, to)`.
    pub transitions: Vec<(TrackId, TrackId, Evidence)>,
    pub gaps: Vec<Evidence>,
    pub first: Evidence,
}

impl Taste {
    /// An empty memory forgetting with `half_life` lessons, whose first guess of the repeat
    /// window is `start_window` plays.
    pub fn new(half_life: f64, start_window: u64) -> Self {
        let mut taste = Self {
            lessons: 0,
            growth: 2f64.powf(1.0 / half_life.max(1.0)),
            factor: 1.0,
            tracks: IdMap::default(),
            transitions: IdMap::default(),
            gaps: [Evidence::default(); GAP_BOUNDS.len()],
            first: Evidence::default(),
            pool: BTreeSet::new(),
            gap_factors: [1.0; GAP_BOUNDS.len()],

            window: start_window,
            horizon: 1,
            start_window: start_window.max(1),
        };
        taste.refresh_gaps();
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

    /// The decay factor of the gap buckets: a listener's tolerance of replays changes more
    /// slowly than their taste, so gap answers fade [`GAP_MEMORY`] times more slowly.
    fn gap_scale(&self) -> f64 {
        self.factor.powf(1.0 / GAP_MEMORY)
    }

    /// Reads a stored gap sum as of now.
    fn gap_now(&self, e: Evidence) -> Evidence {
        e.scaled(1.0 / self.gap_scale())
    }

    /// The track's answers, decayed to now.
    pub fn track(&self, id: TrackId) -> Evidence {
        self.tracks
            .get(&id)
            .map_or_else(Evidence::default, |t| self.now(t.evidence))
    }

    /// True when nothing was learned yet about any track.
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
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

    /// Known tracks best first (by ratio of heard to answered, ties by id).
    pub fn pool(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.pool.iter().map(|(_, id)| *id)
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
        match replay {
            Replay::First => self.first.add(v * f, (1.0 - v) * f),
            Replay::After(g) => {
                // The gap is judged on replays of tracks heard out last time: the listener
                // liked them then, so what changed is mostly the gap. A miss on any replay is
                // the track's fault only as far as the gap was thought welcome.
                if self.tracks.get(&to).is_some_and(|t| t.last_heard) {
                    let gf = self.gap_scale();
                    if let Some(bucket) = self.gaps.get_mut(gap_bucket(g)) {
                        bucket.add(v * gf, (1.0 - v) * gf);
                    }
                }
                track_blame = self.gap_factor(g);
            }
            Replay::Unknown => {}
        }
        let (heard, skipped) = (v * f, (1.0 - v) * track_blame * f);
        self.add_track(to, heard, skipped);
        if let Some(t) = self.tracks.get_mut(&to) {
            t.last_heard = answer == Answer::Heard;
        }
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
        self.refresh_gaps();
    }

    fn add_track(&mut self, id: TrackId, heard: f64, skipped: f64) {
        let entry = self.tracks.entry(id).or_insert(TrackEntry {
            evidence: Evidence::default(),
            key: u32::MAX,
            last_heard: false,
        });
        let old_key = entry.key;
        entry.evidence = entry.evidence.scaled(ITEM_MEMORY);
        entry.evidence.add(heard, skipped);
        entry.key = pool_key(entry.evidence);
        let new_key = entry.key;
        if old_key != new_key {
            self.pool.remove(&(old_key, id));
        }
        self.pool.insert((new_key, id));
    }

    /// One lesson more: older answers weigh less from now on.
    fn tick(&mut self) {
        self.lessons += 1;
        self.factor *= self.growth;
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
            let gap_by = by.powf(1.0 / GAP_MEMORY);
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
    fn refresh_gaps(&mut self) {
        // Blocks of pooled buckets: (mean, weight, buckets in the block).
        let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(GAP_BOUNDS.len());
        for b in 0..GAP_BOUNDS.len() {
            let e = self
                .gaps
                .get(b)
                .map_or_else(Evidence::default, |e| self.gap_now(*e));
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
        self.window = 1;
        self.horizon = 1;
        let mut window_found = false;
        for (b, (factor, m)) in self.gap_factors.iter_mut().zip(means).enumerate() {
            *factor = m / top;
            let bound = GAP_BOUNDS.get(b).copied().unwrap_or(1);
            if !window_found && *factor < 0.5 {
                self.window = GAP_BOUNDS.get(b + 1).copied().unwrap_or(bound + 1);
            } else {
                window_found = true;
            }
            if *factor < 0.98 {
                self.horizon = GAP_BOUNDS.get(b + 1).copied().unwrap_or(bound + 1);
            }
        }
    }

    /// Forgets a track: its answers, and every transition to or from it.
    pub fn forget(&mut self, id: TrackId) {
        if let Some(entry) = self.tracks.remove(&id) {
            self.pool.remove(&(entry.key, id));
        }
        self.transitions.remove(&id);
        for row in self.transitions.values_mut() {
            row.retain(|(to, _)| *to != id);
        }
        self.transitions.retain(|_, row| !row.is_empty());
    }

    /// Everything this memory holds, in id order.
    pub fn parts(&self) -> TasteParts {
        let mut tracks: Vec<_> = self
            .tracks
            .iter()
            .map(|(id, t)| (*id, t.evidence, t.last_heard))
            .collect();
        tracks.sort_unstable_by_key(|(id, _, _)| *id);
        let mut froms: Vec<_> = self.transitions.keys().copied().collect();
        froms.sort_unstable();
        let transitions = froms
            .into_iter()
            .flat_map(|from| {
                self.transitions_from(from)
                    .iter()
                    .map(move |(to, e)| (from, *to, *e))
            })
            .collect();
        TasteParts {
            lessons: self.lessons,
            factor: self.factor,
            tracks,
            transitions,
            gaps: self.gaps.to_vec(),
            first: self.first,
        }
    }

    /// A memory rebuilt from saved parts, or the name of the part that is malformed.
    pub fn restore(
        parts: &TasteParts,
        half_life: f64,
        start_window: u64,
    ) -> Result<Self, &'static str> {
        let mut taste = Self::new(half_life, start_window);
        if !(parts.factor.is_finite() && (1.0..=RESCALE_AT * 2.0).contains(&parts.factor)) {
            return Err("factor");
        }
        taste.lessons = parts.lessons;
        taste.factor = parts.factor;
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
        for (id, e, last_heard) in &parts.tracks {
            if *id == 0 || last.is_some_and(|l| l >= *id) || !e.is_finite_non_negative() {
                return Err("tracks");
            }
            last = Some(*id);
            taste.add_track(*id, e.heard, e.skipped);
            if let Some(t) = taste.tracks.get_mut(id) {
                t.last_heard = *last_heard;
            }
        }
        let mut last = None;
        for (from, to, e) in &parts.transitions {
            if *to == 0 || last.is_some_and(|l| l >= (*from, *to)) || !e.is_finite_non_negative() {
                return Err("transitions");
            }
            last = Some((*from, *to));
            taste.transitions.entry(*from).or_default().push((*to, *e));
        }
        taste.refresh_gaps();
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
        assert_eq!(gap_bucket(9), 7);
        assert_eq!(gap_bucket(10), 8);
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
        let mut t = Taste::new(10.0, 8);
        t.record(0, 1, Answer::Heard, Replay::First);
        let fresh = t.track(1).heard;
        for _ in 0..10 {
            t.record(0, 2, Answer::Heard, Replay::First);
        }
        assert!((t.track(1).heard - fresh / 2.0).abs() < 1e-9);
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
