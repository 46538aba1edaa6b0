//! The change-of-taste detector: how often confident predictions were missed lately.

/// An answer to a track expected to be heard out with at least this chance is a prediction
/// put to the test: its miss is a surprise.
pub(super) const CONFIDENT: f64 = 0.6;
/// The surprise rate is a moving average over about this many confident answers.
const SURPRISE_SPAN: f64 = 16.0;
/// A surprise rate this high is no longer noise (a listener skips a favourite now and then):
/// the listener's taste has changed.
const SURPRISE_CHANGE: f64 = 0.4;

/// The rate of confident predictions missed lately (a moving average).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Surprise(f64);

impl Surprise {
    /// Notes the answer `v` (1 heard out, 0 skipped) to a track expected to be heard out with
    /// chance `expected`; true when the misses piled up into a change of taste (the rate
    /// starts again from zero).
    pub(super) fn observe(&mut self, expected: f64, v: f64) -> bool {
        if expected < CONFIDENT {
            return false;
        }
        self.0 += (1.0 - v - self.0) / SURPRISE_SPAN;
        if self.0 >= SURPRISE_CHANGE {
            self.0 = 0.0;
            return true;
        }
        false
    }

    pub(super) fn rate(self) -> f64 {
        self.0
    }

    /// A saved rate, or `None` when it is no rate.
    pub(super) fn restore(rate: f64) -> Option<Self> {
        (0.0..=1.0).contains(&rate).then_some(Self(rate))
    }
}
