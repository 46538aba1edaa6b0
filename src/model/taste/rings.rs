//! The rings of recent answers: the tracks last heard out and last partly heard, which a pick
//! draws its known candidates from in O(1).

use std::collections::VecDeque;

use super::Answer;
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

    /// How many entries the ring of `answer` holds.
    pub(super) fn len(&self, answer: Answer) -> usize {
        self.ring(answer).map_or(0, VecDeque::len)
    }

    /// Adds `id` to the ring of `answer`, dropping the oldest entry of a full ring.
    pub(super) fn push(&mut self, id: TrackId, answer: Answer) {
        let (ring, cap) = match answer {
            Answer::Heard => (&mut self.heard, HEARD_RING),
            Answer::Partial => (&mut self.partly, PARTLY_RING),
            Answer::Skipped => return,
        };
        if ring.len() == cap {
            ring.pop_front();
        }
        ring.push_back(id);
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
