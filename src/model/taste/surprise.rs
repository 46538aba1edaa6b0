//! The change-of-taste detector: how often confident predictions were missed lately.

/// An answer to a track expected to be heard out with at least this chance is a prediction
/// put to the test: its miss is a surprise.
pub(super) const CONFIDENT: f64 = 0.6;
/// The surprise rate is a moving average over about this many confident answers.
const SURPRISE_SPAN: f64 = 16.0;
/// A surprise rate this high is no longer noise (a listener skips a favourite now and then):
/// the listener's taste has changed...
const SURPRISE_CHANGE: f64 = 0.4;
/// ...or, for a listener who misses many confident predictions as a rule, this much above
/// the usual rate. 0.25 noticed more false changes: a listener whose moods recur by session
/// lost what they taught at each one (judged on 60 fresh seeds, 31-90 of
/// `bench/blind-listeners.mjs` and hold-out 11-50, paired by seed: mean late skip -0.003 ±
/// 0.001 and -0.001 ± 0.001, moods by session -0.017 ± 0.006 and -0.010 ± 0.005, no row worse
/// past its error; `bench:learning`'s changes of taste still noticed, 30 and 21 of 30 sessions
/// back within 300 plays).
const ABOVE_USUAL: f64 = 0.35;
/// The usual rate is a moving average over about this many confident answers.
const USUAL_SPAN: f64 = 200.0;

/// The rate of confident predictions missed lately, and usually (moving averages over two
/// spans). A change is noticed when the recent rate passes both [`SURPRISE_CHANGE`] and the
/// usual rate by [`ABOVE_USUAL`]: a listener whose favourites are skipped now and then as a
/// rule (a taste that drifts slowly, one who tires of an artist) no longer passes for one
/// whose taste changed, and loses what it taught each time. What the usual rate and its
/// margin are worth is measured in `bench/README.md` (the blind listeners' "Landed" entries).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Surprise {
    recent: f64,
    usual: f64,
}

impl Surprise {
    /// Notes the answer `v` (1 heard out, 0 skipped) to a track expected to be heard out with
    /// chance `expected`; true when the misses piled up into a change of taste (the rate
    /// starts again from zero).
    pub(super) fn observe(&mut self, expected: f64, v: f64) -> bool {
        if expected < CONFIDENT {
            return false;
        }
        let miss = 1.0 - v;
        self.recent += (miss - self.recent) / SURPRISE_SPAN;
        self.usual += (miss - self.usual) / USUAL_SPAN;
        if self.recent >= SURPRISE_CHANGE.max(self.usual + ABOVE_USUAL) {
            self.recent = 0.0;
            return true;
        }
        false
    }

    /// The recent rate and the usual one.
    pub(super) fn rates(self) -> (f64, f64) {
        (self.recent, self.usual)
    }

    /// Saved rates, or `None` when either is no rate.
    pub(super) fn restore(recent: f64, usual: f64) -> Option<Self> {
        let rate = 0.0..=1.0;
        (rate.contains(&recent) && rate.contains(&usual)).then_some(Self { recent, usual })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `n` confident answers, one in `every` missed; true if any noticed a change.
    fn feed(s: &mut Surprise, n: usize, every: usize) -> bool {
        let mut noticed = false;
        for i in 0..n {
            let v = if i % every == 0 { 0.0 } else { 1.0 };
            noticed |= s.observe(0.9, v);
        }
        noticed
    }

    #[test]
    fn a_change_is_a_miss_rate_past_the_threshold_and_past_the_usual_rate() {
        // A listener who rarely misses: a run of misses passes 0.4 and is a change.
        let mut s = Surprise::default();
        assert!(!feed(&mut s, 400, 20), "one miss in twenty is noise");
        assert!(feed(&mut s, 16, 1), "sixteen misses in a row are a change");
        // A listener who misses one in three as a rule: the rate nears 0.4 by chance, and
        // only a rate well above the usual one is a change.
        let mut s = Surprise::default();
        feed(&mut s, 1_000, 3);
        let usual = s.rates().1;
        assert!((0.3..0.4).contains(&usual), "usual {usual}");
        assert!(!feed(&mut s, 16, 2), "one in two is not a change here");
        assert!(feed(&mut s, 16, 1), "sixteen misses in a row still are");
    }

    #[test]
    fn a_change_needs_the_recent_rate_past_the_usual_one_by_the_margin() {
        // Usual rate 0.3: one miss more takes a recent rate of 0.6 to 0.32 past it, short of
        // the margin (a change under a margin of 0.25), and one of 0.65 to 0.37 past it.
        let Some(mut s) = Surprise::restore(0.6, 0.3) else {
            panic!("0.6 and 0.3 are rates");
        };
        assert!(!s.observe(0.9, 0.0), "{:?}", s.rates());
        let Some(mut s) = Surprise::restore(0.65, 0.3) else {
            panic!("0.65 and 0.3 are rates");
        };
        assert!(s.observe(0.9, 0.0), "{:?}", s.rates());
    }

    #[test]
    fn a_saved_pair_of_rates_restores_only_when_both_are_rates() {
        assert_eq!(
            Surprise::restore(0.2, 0.1).map(Surprise::rates),
            Some((0.2, 0.1))
        );
        assert_eq!(Surprise::restore(0.2, 1.5), None);
        assert_eq!(Surprise::restore(f64::NAN, 0.1), None);
    }
}
