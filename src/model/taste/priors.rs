//! The priors of a pick: what a track's own answers are weighed against.

use super::Answer;

/// The mean answer a track's own answers are weighed against, worth
/// [`TRACK_PRIOR_WEIGHT`](super::TRACK_PRIOR_WEIGHT) answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Priors {
    /// The answers to first plays: the prior of an unheard track.
    pub(super) first: f64,
    /// The answers to first plays along the base graph's edges (the first plays' mean until
    /// there are some): the prior of an unheard track the row links to.
    pub(super) linked: f64,
    /// The answers to replays, since the latest change of taste, of tracks last played
    /// before it, per their last answer then ([`Answer::index`]; the first plays' mean until
    /// there are some).
    pub(super) stale: [f64; 3],
    pub(super) changed_at: u64,
}

impl Priors {
    /// The prior of a track last played at play `played` (0: never), last answered `last`,
    /// `linked` when the row's track links to it (an unheard one is judged by how such first
    /// plays were answered: see
    /// [`Taste::record_first_along_link`](super::Taste::record_first_along_link)). A track not
    /// heard since a change of taste is judged by how the tracks last answered as it was have
    /// fared since: once a few old favourites were skipped, the others wait behind unheard
    /// tracks instead of being skipped one by one, and if the tracks skipped before are now
    /// heard out, the others get their turn.
    ///
    /// By reference: called once per candidate, and `stale` indexed by a runtime value must be
    /// in memory; taken by value, the size-optimised wasm copied all of it first with a
    /// `memory.copy`, which V8 runs as a call out of the compiled code (12 % of a pick).
    #[inline(always)]
    pub(crate) fn of(&self, played: u64, last: Answer, linked: bool) -> f64 {
        if played == 0 && linked {
            self.linked
        } else if played > 0 && played < self.changed_at {
            self.stale.get(last.index()).copied().unwrap_or(self.first)
        } else {
            self.first
        }
    }
}
