//! The rings of recent answers: the tracks last heard out and last partly heard, which a pick
//! draws its known candidates from in O(1), and the count of distinct tracks heard out
//! ([`Taste::heard_tracks`]) kept as they change.

use std::collections::VecDeque;

use super::{Answer, Taste};
use crate::model::{Rng, TrackId};

/// The last this many tracks heard out are where a pick draws its liked candidates from.
pub(super) const HEARD_RING: usize = 256;
/// The last this many tracks partly heard, likewise.
pub(super) const PARTLY_RING: usize = 64;

/// The tracks of the last [`HEARD_RING`] answers "heard out" (and of the last [`PARTLY_RING`]
/// "partly heard"), oldest first. Recent answers only, so after a change of taste the old
/// favourites leave within a few hundred plays even if they are never played again. A track
/// appears once per such answer, so one often heard out is drawn more often.
#[derive(Clone, Debug, Default)]
pub(super) struct Rings {
    heard: VecDeque<TrackId>,
    partly: VecDeque<TrackId>,
}

impl Rings {
    fn ring(&self, answer: Answer) -> Option<&VecDeque<TrackId>> {
        match answer {
            Answer::Heard => Some(&self.heard),
            Answer::Partial => Some(&self.partly),
            Answer::Skipped => None,
        }
    }

    /// A track drawn uniformly from the ring of `answer`, passing over its `newest` entries
    /// when the ring holds more (see [`Taste::draw`](super::Taste::draw)).
    #[inline]
    pub(super) fn draw(&self, answer: Answer, newest: usize, rng: &mut Rng) -> Option<TrackId> {
        let ring = self.ring(answer).filter(|r| !r.is_empty())?;
        let len = ring.len();
        let older = if len > newest { len - newest } else { len };
        ring.get(rng.below(older)).copied()
    }

    /// The entries of the ring of tracks last heard out, oldest first.
    pub(super) fn heard(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.heard.iter().copied()
    }

    /// Adds `id` to the ring of `answer`, dropping the oldest entry of a full ring. Returns
    /// the entry dropped from the ring of tracks heard out, if one was.
    pub(super) fn push(&mut self, id: TrackId, answer: Answer) -> Option<TrackId> {
        let (ring, cap) = match answer {
            Answer::Heard => (&mut self.heard, HEARD_RING),
            Answer::Partial => (&mut self.partly, PARTLY_RING),
            Answer::Skipped => return None,
        };
        let dropped = if ring.len() == cap {
            ring.pop_front()
        } else {
            None
        };
        ring.push_back(id);
        dropped.filter(|_| answer == Answer::Heard)
    }

    pub(super) fn clear(&mut self) {
        self.heard.clear();
        self.partly.clear();
    }

    pub(super) fn forget(&mut self, id: TrackId) {
        self.heard.retain(|t| *t != id);
        self.partly.retain(|t| *t != id);
    }

    /// (heard out, partly heard), oldest first, for saving.
    pub(super) fn parts(&self) -> (Vec<TrackId>, Vec<TrackId>) {
        (
            self.heard.iter().copied().collect(),
            self.partly.iter().copied().collect(),
        )
    }

    /// Rings rebuilt from saved parts; `None` when one is longer than it can be or names a
    /// track that `known` does not know.
    pub(super) fn restore(
        heard: &[TrackId],
        partly: &[TrackId],
        known: impl Fn(TrackId) -> bool,
    ) -> Option<Self> {
        let fits =
            |saved: &[TrackId], cap: usize| saved.len() <= cap && saved.iter().all(|id| known(*id));
        (fits(heard, HEARD_RING) && fits(partly, PARTLY_RING)).then(|| Self {
            heard: heard.iter().copied().collect(),
            partly: partly.iter().copied().collect(),
        })
    }
}

impl Taste {
    /// How many distinct tracks were heard out in the recent answers the rings keep (since the
    /// latest change of taste, which clears them): the listener's recent favourites. Tracks,
    /// not answers: favourites replayed in a loop fill the ring with a few tracks.
    pub fn heard_tracks(&self) -> usize {
        self.heard_tracks
    }

    /// Adds an answer to its ring, keeping [`Taste::heard_tracks`] true.
    pub(super) fn push_ring(&mut self, id: TrackId, answer: Answer) {
        let dropped = self.rings.push(id, answer);
        if answer == Answer::Heard {
            self.count_in_ring(id, true);
        }
        if let Some(old) = dropped {
            self.count_in_ring(old, false);
        }
    }

    /// Counts one entry of `id` into the ring of tracks heard out, or out of it.
    fn count_in_ring(&mut self, id: TrackId, into: bool) {
        let Some(t) = self.tracks.get_mut(id) else {
            return;
        };
        let was = t.heard_in_ring;
        t.heard_in_ring = if into {
            was.saturating_add(1)
        } else {
            was.saturating_sub(1)
        };
        match (was, t.heard_in_ring) {
            (0, n) if n > 0 => self.heard_tracks += 1,
            (w, 0) if w > 0 => self.heard_tracks = self.heard_tracks.saturating_sub(1),
            _ => {}
        }
    }

    /// Counts the saved ring's entries in, for a taste restored from its parts. The rings
    /// are set aside meanwhile: counting changes the tracks' slots, not the rings.
    pub(super) fn recount_ring(&mut self) {
        let rings = std::mem::take(&mut self.rings);
        for id in rings.heard() {
            self.count_in_ring(id, true);
        }
        self.rings = rings;
    }

    /// Empties the rings (a change of taste).
    pub(super) fn clear_rings(&mut self) {
        for id in self.rings.heard() {
            if let Some(t) = self.tracks.get_mut(id) {
                t.heard_in_ring = 0;
            }
        }
        self.heard_tracks = 0;
        self.rings.clear();
    }
}
