//! Answers and their sums: what one play said, and what many add up to.

/// Decayed sums of a listener's answers: how much was heard and how much was skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    pub heard: f64,
    pub skipped: f64,
}

impl Evidence {
    pub(super) fn add(&mut self, heard: f64, skipped: f64) {
        self.heard += heard;
        self.skipped += skipped;
    }

    /// Adds one answer `v` (1 heard out, 0 skipped) weighing `weight`.
    pub(super) fn add_answer(&mut self, v: f64, weight: f64) {
        self.add(v * weight, (1.0 - v) * weight);
    }

    #[inline]
    pub(crate) fn scaled(self, by: f64) -> Self {
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

    pub(super) fn is_finite_non_negative(self) -> bool {
        self.heard.is_finite()
            && self.skipped.is_finite()
            && self.heard >= 0.0
            && self.skipped >= 0.0
    }
}

/// How a listener answered a play, as the value it is worth: 1 heard out, 0.5 partly, 0 skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Answer {
    Heard,
    Partial,
    #[default]
    Skipped,
}

impl Answer {
    /// Its place among the three (heard out 0, partly heard 1, skipped 2), for tables kept
    /// per answer.
    #[inline(always)]
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn value(self) -> f64 {
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
