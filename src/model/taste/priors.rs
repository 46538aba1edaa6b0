//! The priors of a pick: what a track's own answers are weighed against.

use super::Answer;

/// The mean answer a track's own answers are weighed against, worth
/// [`TRACK_PRIOR_WEIGHT`](super::TRACK_PRIOR_WEIGHT) answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Priors {
    /// The answers to first plays: the prior of an unheard track.
    pub(super) first: f64,
    /// The answers to replays, since the latest change of taste, of tracks last played
    /// before it, per their last answer then ([`Answer::index`]; the first plays' mean until
    /// there are some).
    pub(super) stale: [f64; 3],
    pub(super) changed_at: u64,
}

impl Priors {
    /// The prior of a track last played at play `played` (0: never), last answered `last`.
    /// A track not heard since a change of taste is judged by how the tracks last answered as
    /// it was have fared since: once a few old favourites were skipped, the others wait behind unheard
    /// tracks instead of being skipped one by one, and if the tracks skipped before are now
    /// heard out, the others get their turn.
    ///
    /// By reference: called once per candidate, and `stale` indexed by a runtime value must be
    /// in memory; taken by value, the size-optimised wasm copied all 40 bytes first with a
    /// `memory.copy`, which V8 runs as a call out of the compiled code (12 % of a pick).
    #[inline(always)]
    pub(crate) fn of(&self, played: u64, last: Answer) -> f64 {
        if played > 0 && played < self.changed_at {
            self.stale.get(last.index()).copied().unwrap_or(self.first)
        } else {
            self.first
        }
    }
}
