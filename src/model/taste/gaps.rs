//! What the listener's answers to replays say about replay gaps: how welcome a replay after
//! so many plays is, and the repeat window.

use super::Evidence;

/// Lower bounds of the replay-gap buckets, in plays (a gap of 1 replays the track just heard).
/// One bucket per gap up to 24, then about 10 % wider each, so a tolerance of 40 plays is told
/// from one of 45 and a bucket straddling the listener's tolerance stays narrow.
pub const GAP_BOUNDS: [u64; 64] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 29,
    32, 35, 38, 42, 46, 51, 56, 62, 68, 75, 82, 90, 99, 109, 120, 132, 145, 160, 176, 194, 213,
    234, 257, 283, 311, 342, 376, 414, 455, 501, 551, 606, 667, 734, 807, 888, 977, 1075,
];

const BUCKETS: usize = GAP_BOUNDS.len();

/// The bucket of a replay gap.
pub fn gap_bucket(gap: u64) -> usize {
    // One bucket per gap up to 24: no search for the usual gaps.
    if (1..=24).contains(&gap) {
        return gap as usize - 1;
    }
    GAP_BOUNDS.partition_point(|b| *b <= gap).saturating_sub(1)
}

/// The weight of the starting guess for each bucket, in answers: a twentieth, so that it
/// speaks only for gaps never answered. The guess is that replays are welcome from twice the
/// starting window on, and at 0.3 answers a bucket the untried gaps inside a learned window
/// (which the policy avoids, so rarely answered) pooled their guessed welcome into the fit
/// with the few real skips there: a favourite replayed just inside the window kept a fifth of
/// its worth, and won against unheard tracks it should have given way to (over seeds 1-15 of
/// `bench/blind-listeners.mjs`: mean late skip 0.260 at 0.3, 0.236 at 0.05, 0.242 at 0.02).
const PRIOR_WEIGHT: f64 = 0.05;
/// Gap answers fade this many times more slowly than answers about tracks: a listener's
/// tolerance of replays changes more slowly than their taste.
pub(super) const GAP_MEMORY: f64 = 4.0;
/// Once the decay factor passes this, it is folded into the sums.
const RESCALE_AT: f64 = 1e30;

/// The replay-gap buckets, and the fit made of them.
#[derive(Clone, Debug)]
pub(super) struct Gaps {
    /// Answers per bucket, in forward-decay units (see the module `taste`).
    buckets: [Evidence; BUCKETS],
    /// The growth of the decay factor per lesson, and the factor.
    growth: f64,
    decay: f64,
    /// `decay` when the buckets were last fitted: the fit (factors, window, horizon) is
    /// refreshed when a gap is answered, not at every lesson, and is a function of the saved
    /// state alone, so a restored engine has the same fit.
    fit_decay: f64,
    /// Per bucket, how welcome a replay at that gap is, relative to the best bucket.
    factors: [f64; BUCKETS],
    window: u64,
    /// From this gap on, the factor is within 2 % of the best.
    horizon: u64,
    start_window: u64,
    /// In a bulk run, answers about gaps not yet fitted (the fit is refreshed every
    /// [`BULK_REFIT`] of them).
    bulk: bool,
    behind: u32,
}

/// In a bulk run (a history imported), the fit is refreshed once every this many answers.
pub(super) const BULK_REFIT: u32 = 64;

impl Gaps {
    pub(super) fn new(half_life: f64, start_window: u64) -> Self {
        let mut gaps = Self {
            buckets: [Evidence::default(); BUCKETS],
            growth: 1.0 + std::f64::consts::LN_2 / (GAP_MEMORY * half_life.max(1.0)),
            decay: 1.0,
            fit_decay: 1.0,
            factors: [1.0; BUCKETS],
            window: start_window,
            horizon: 1,
            start_window: start_window.max(1),
            bulk: false,
            behind: 0,
        };
        gaps.fit();
        gaps
    }

    /// A replay after `gap` plays was answered with value `v` (1 heard out, 0 skipped).
    pub(super) fn answer(&mut self, gap: u64, v: f64) {
        let d = self.decay;
        if let Some(bucket) = self.buckets.get_mut(gap_bucket(gap)) {
            bucket.heard += v * d;
            bucket.skipped += (1.0 - v) * d;
        }
        if self.bulk {
            self.behind += 1;
            if self.behind < BULK_REFIT {
                return;
            }
        }
        self.behind = 0;
        self.fit_decay = self.decay;
        self.fit();
    }

    pub(super) fn set_bulk(&mut self, bulk: bool) {
        self.bulk = bulk;
    }

    /// Refits when answers came in since the last fit (the end of a bulk run).
    pub(super) fn refit_if_behind(&mut self) {
        if self.behind > 0 {
            self.behind = 0;
            self.fit_decay = self.decay;
            self.fit();
        }
    }

    /// One lesson more: older answers weigh less from now on.
    pub(super) fn tick(&mut self) {
        self.decay *= self.growth;
        if self.decay > RESCALE_AT {
            let by = 1.0 / self.decay;
            self.decay = 1.0;
            for b in &mut self.buckets {
                *b = b.scaled(by);
            }
            // Refit now: the fit's own factor would otherwise shrink towards 0 over many
            // rescales without an answer about gaps.
            self.refit();
        }
    }

    /// Fits the buckets as they are now.
    fn refit(&mut self) {
        self.fit_decay = self.decay;
        self.fit();
    }

    /// How welcome a replay after `gap` plays is, relative to the best gap (1 at or past the
    /// horizon). Inlined: a pick asks it of every candidate, and most are past the horizon,
    /// where the answer is one comparison (a call would also spill the scoring's registers).
    #[inline(always)]
    pub(super) fn factor(&self, gap: u64) -> f64 {
        if gap >= self.horizon {
            return 1.0;
        }
        self.factor_within(gap)
    }

    /// [`Gaps::factor`] short of the horizon: the gap's bucket is searched for.
    fn factor_within(&self, gap: u64) -> f64 {
        self.factors.get(gap_bucket(gap)).copied().unwrap_or(1.0)
    }

    pub(super) fn window(&self) -> u64 {
        self.window
    }

    pub(super) fn horizon(&self) -> u64 {
        self.horizon
    }

    /// The buckets' answers, decayed to now.
    pub(super) fn now(&self) -> impl Iterator<Item = Evidence> + '_ {
        self.buckets.iter().map(|e| e.scaled(1.0 / self.decay))
    }

    /// (buckets in stored units, decay, fit decay), for saving.
    pub(super) fn parts(&self) -> (Vec<Evidence>, f64, f64) {
        (self.buckets.to_vec(), self.decay, self.fit_decay)
    }

    /// Gaps rebuilt from saved parts, or `None` when they are malformed.
    pub(super) fn restore(
        half_life: f64,
        start_window: u64,
        buckets: &[Evidence],
        decay: f64,
        fit_decay: f64,
    ) -> Option<Self> {
        let mut gaps = Self::new(half_life, start_window);
        let fine = buckets.len() == BUCKETS
            && buckets.iter().all(|e| e.is_finite_non_negative())
            && decay.is_finite()
            && (1.0..=RESCALE_AT * 2.0).contains(&decay)
            && fit_decay.is_finite()
            && fit_decay > 0.0;
        if !fine {
            return None;
        }
        for (slot, e) in gaps.buckets.iter_mut().zip(buckets) {
            *slot = *e;
        }
        gaps.decay = decay;
        gaps.fit_decay = fit_decay;
        gaps.fit();
        Some(gaps)
    }

    /// The starting guess that a replay at `gap` is welcome: one half at the starting window,
    /// nearly certain from twice that on.
    fn prior(&self, bucket: usize) -> f64 {
        let gap = GAP_BOUNDS.get(bucket).copied().unwrap_or(1) as f64;
        0.9 * (gap / (2.0 * self.start_window as f64)).clamp(0.05, 1.0)
    }

    /// A bucket's answers as of the last fit.
    fn fitted(&self, bucket: usize) -> Evidence {
        self.buckets
            .get(bucket)
            .map_or_else(Evidence::default, |e| e.scaled(1.0 / self.fit_decay))
    }

    /// Recomputes the factors, the window and the horizon. A longer gap is never less welcome
    /// than a shorter one: the buckets' means are fitted by a non-decreasing curve (isotonic
    /// regression, pool-adjacent-violators, weighted by each bucket's answers), so skips at 40
    /// plays also lower the welcome at 20 and one noisy bucket cannot open a hole.
    fn fit(&mut self) {
        // Blocks of pooled buckets: (mean, weight, buckets in the block).
        let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(BUCKETS);
        for b in 0..BUCKETS {
            let e = self.fitted(b);
            let mut block = (
                e.mean(self.prior(b), PRIOR_WEIGHT),
                PRIOR_WEIGHT + e.weight(),
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
        let mut means = [0.0; BUCKETS];
        let mut slots = means.iter_mut();
        for (m, _, n) in &blocks {
            for slot in slots.by_ref().take(*n) {
                *slot = *m;
            }
        }
        let top = blocks.last().map_or(1.0, |b| b.0).max(f64::MIN_POSITIVE);
        self.window = self.change_point(best_welcome(&blocks));
        self.horizon = 1;
        for (b, (factor, m)) in self.factors.iter_mut().zip(means).enumerate() {
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

    /// The repeat window: the gap that best splits the replays, welcome below half as often
    /// as the best-welcomed ones (`best`, see [`best_welcome`]) and at least that often from
    /// it on (the fewest answers on the wrong side, a skip weighing `best` and an answer heard
    /// out `2 - best`; the narrower window on a tie). The split is relative because a listener
    /// who likes a track only some of the time skips its replays at every gap: against an
    /// absolute one half, those skips would push the window past every gap, where the least
    /// recently played tracks, the disliked ones, win. For a listener who hears out the
    /// replays of favourites at long gaps (`best` near 1) it is the absolute one half. The
    /// starting guess counts as half an answer each side of it, so with no evidence the
    /// window is the starting guess; each skip of a replay at a gap at or past the window
    /// pulls it wider, each replay heard out inside it pulls it narrower.
    fn change_point(&self, best: f64) -> u64 {
        let start = gap_bucket(self.start_window);
        let answers = |b: usize| {
            let e = self.fitted(b);
            let skipped = e.skipped + if b + 1 == start { 0.5 } else { 0.0 };
            let heard = e.heard + if b == start { 0.5 } else { 0.0 };
            (heard * (2.0 - best), skipped * best)
        };
        // Threshold at bucket 0: every answer is "at or past the window"; the wrong ones are skips.
        let mut cost: f64 = (0..BUCKETS).map(|b| answers(b).1).sum();
        let (mut best, mut best_cost) = (0, cost);
        for b in 0..BUCKETS {
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
}

/// The welcome of the best-welcomed replays: the mean of the fitted curve's highest blocks
/// (`(mean, weight, buckets)`, non-decreasing) that together hold a third of the weight. A
/// third, not the top block alone: a sparse bucket at a long gap (a prior and an answer or
/// two) would make the level noisy.
fn best_welcome(blocks: &[(f64, f64, usize)]) -> f64 {
    let mut total = 0.0;
    for (_, w, _) in blocks {
        total += w;
    }
    let (mut sum, mut weight) = (0.0, 0.0);
    for (m, w, _) in blocks.iter().rev() {
        if weight >= total / 3.0 {
            break;
        }
        sum += m * w;
        weight += w;
    }
    if weight > 0.0 {
        (sum / weight).clamp(0.05, 1.0)
    } else {
        1.0
    }
}
