//! The priors of a pick: what a track's own answers are weighed against.

/// The mean answer a track's own answers are weighed against, worth
/// [`TRACK_PRIOR_WEIGHT`](super::TRACK_PRIOR_WEIGHT) answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Priors {
    /// The answers to first plays: the prior of an unheard track.
    pub(super) first: f64,
    /// The answers to replays, since the latest change of taste, of tracks last played
    /// before it and not last heard out then (the first plays' mean until there are some)...
    pub(super) stale_other: f64,
    /// ...and of those last heard out then.
    pub(super) stale_liked: f64,
    pub(super) changed_at: u64,
}

impl Priors {
    /// The prior of a track last played at play `played` (0: never), last heard out or not.
    /// A track not heard since a change of taste is judged by how such tracks fared since,
    /// the old favourites apart from the rest: once a few old favourites were skipped, the
    /// others wait behind unheard tracks instead of being skipped one by one, and if the
    /// tracks disliked before are now heard out, the others get their turn.
    #[inline(always)]
    pub(crate) fn of(self, played: u64, liked_before: bool) -> f64 {
        if played > 0 && played < self.changed_at {
            if liked_before {
                self.stale_liked
            } else {
                self.stale_other
            }
        } else {
            self.first
        }
    }
}
