//! Forward decay: the clock of forgetting.
//!
//! An answer given at lesson `t` is stored multiplied by `g^t`, with `g = 1 + ln 2 / half_life`
//! (answers halve in weight every `half_life` lessons, within 1 % from a half-life of 25 on,
//! with no transcendental function in the wasm), and every sum is read divided by the current
//! factor. Decaying everything so costs nothing per lesson; the factor is folded back into the
//! sums once it grows large. The taste's side of it (a lesson's tick, the fold over every
//! stored sum) is here too.

use super::Taste;

/// Once the decay factor passes this, it is folded into the sums. A fold touches every stored
/// sum (each track and each transition answered), so it is kept rare: with the default
/// half-life of 500 lessons, once in about 332 000 lessons (133 000 at a half-life of 200; at
/// 1e30 it was once in 20 000, and 5 % of the instructions of lessons piling up). A fold
/// divides every sum by at most 2e200: a sum is stored at most that large and f64 reads down
/// to 1e-308, so only what was stored two folds ago, faded by 2^-1300 since, rounds to 0.
pub(super) const RESCALE_AT: f64 = 1e200;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Decay {
    /// Answers recorded so far.
    pub(super) lessons: u64,
    /// The growth of the factor per lesson: `1 + ln 2 / half_life`.
    growth: f64,
    /// What an answer given now is multiplied by when stored.
    pub(super) factor: f64,
}

impl Decay {
    pub(super) fn new(half_life: f64) -> Self {
        Self {
            lessons: 0,
            growth: 1.0 + std::f64::consts::LN_2 / half_life.max(1.0),
            factor: 1.0,
        }
    }

    /// What a stored sum is multiplied by to read it as of now.
    #[inline]
    pub(super) fn now(self) -> f64 {
        1.0 / self.factor
    }

    /// One lesson more. Returns `Some(by)` when the factor was folded back to 1: every stored
    /// sum must then be multiplied by `by`.
    pub(super) fn tick(&mut self) -> Option<f64> {
        self.lessons += 1;
        self.factor *= self.growth;
        self.fold_if_large()
    }

    /// Every stored answer read from now on weighs `keep` times what it did (0 < keep <= 1),
    /// in O(1): the factor grows instead of every sum shrinking. Returns `Some(by)` as
    /// [`Decay::tick`] does when the factor had to be folded back.
    pub(super) fn fade(&mut self, keep: f64) -> Option<f64> {
        self.factor /= keep;
        self.fold_if_large()
    }

    fn fold_if_large(&mut self) -> Option<f64> {
        (self.factor > RESCALE_AT).then(|| {
            let by = 1.0 / self.factor;
            self.factor = 1.0;
            by
        })
    }

    /// A saved clock, or `None` when the factor is out of its range.
    pub(super) fn restore(half_life: f64, lessons: u64, factor: f64) -> Option<Self> {
        let fine = factor.is_finite() && (1.0..=RESCALE_AT * 2.0).contains(&factor);
        fine.then(|| Self {
            lessons,
            factor,
            ..Self::new(half_life)
        })
    }
}

impl Taste {
    /// One lesson more: older answers weigh less from now on.
    pub(super) fn tick(&mut self) {
        self.gaps.tick();
        if let Some(by) = self.decay.tick() {
            self.fold(by);
        }
    }

    /// Folds the decay factor back into every stored sum.
    pub(super) fn fold(&mut self, by: f64) {
        self.scale_items(by);
        self.first = self.first.scaled(by);
        self.linked = self.linked.scaled(by);
        self.follow.scale(by);
        self.stale = self.stale.map(|e| e.scaled(by));
    }

    /// Multiplies every answer about tracks and transitions by `by`.
    pub(super) fn scale_items(&mut self, by: f64) {
        for t in self.tracks.values_mut() {
            t.evidence = t.evidence.scaled(by);
        }
        let rows = self.transitions.values_mut().map(|row| &mut row.to);
        for row in rows.chain([&mut self.from_start]) {
            for (_, e) in row.iter_mut() {
                *e = e.scaled(by);
            }
        }
    }
}
