//! The adaptive policy's memory of the listener: how they answered each track, each transition
//! and each replay gap, with old answers fading so that a change of taste is followed.
//!
//! Every answer is a value in `[0, 1]` (heard out 1, partly heard 0.5, skipped 0) kept as two
//! sums, `heard` and `skipped`, in the units of forward decay ([`decay`]). The ratio
//! `heard / (heard + skipped)` does not depend on the reading time.

mod affinity;
mod breadth;
mod change;
mod decay;
mod entry;
mod evidence;
mod follow;
mod gaps;
mod parts;
mod priors;
mod record;
mod rings;
mod surprise;

use std::cell::OnceCell;

use affinity::Affinity;
pub(crate) use affinity::Context;
pub use affinity::{AffinityParts, DIM as AFFINITY_DIM};
pub use breadth::Breadth;
pub(crate) use breadth::Breadths;
use decay::Decay;
use entry::{TrackEntry, TransitionRow};
pub use evidence::{Answer, Evidence, Replay};
use follow::Follow;
use gaps::Gaps;
pub use gaps::{gap_bucket, GAP_BOUNDS};
pub use parts::TasteParts;
pub(crate) use priors::Priors;
use rings::Rings;
use surprise::Surprise;

use super::table::IdTable;
use super::{Rng, TrackId, START};

/// The weight of a track's prior, in answers: one, so that a track heard out once already
/// stands apart from the unheard ones (with two, new favourites found after a change of taste
/// were told apart from unheard tracks too slowly: over 20 seeded sessions, half came back
/// to their skip rate before the change later than 300 plays, against a fifth with one).
pub(crate) const TRACK_PRIOR_WEIGHT: f64 = 1.0;
/// The weight of a track's own mean as the prior of each of its transitions, in answers.
pub(crate) const TRANSITION_PRIOR_WEIGHT: f64 = 2.0;
/// Each new answer about a track or a transition first multiplies its older answers by this:
/// whatever the clock, the latest answers about an item outweigh its old ones (and an item's
/// answers weigh at most 5).
const ITEM_MEMORY: f64 = 0.8;
/// What a change of taste leaves of the answers given before it.
const KEPT_AFTER_CHANGE: f64 = 0.2;
/// The weight, in answers, of the prior of a kind of answers (first plays, first plays along
/// links, replays since a change of taste of tracks answered alike before it).
const KIND_PRIOR_WEIGHT: f64 = 2.0;

/// What the adaptive policy knows of the listener.
#[derive(Clone, Debug)]
pub struct Taste {
    decay: Decay,
    tracks: IdTable<TrackEntry>,
    /// Per source track, the transitions that have evidence, sorted by target.
    transitions: IdTable<TransitionRow>,
    /// The start node's row, kept apart because the table's key 0 marks an empty slot: plainer
    /// than keying every row by its source plus one (and checking that for the largest id).
    from_start: Vec<(TrackId, Evidence)>,
    gaps: Gaps,
    /// Answers to tracks heard for the first time: the prior of every unheard track.
    first: Evidence,
    /// The part of those answers to first plays along one of the base graph's edges from the
    /// track before (see [`Taste::record_first_along_link`]): the prior of an unheard track
    /// the current track links to.
    linked: Evidence,
    /// The answers to picks on the playing track's row and off it, per answer to that track:
    /// how far a pick heeds the row's share ([`Taste::heed_row`]).
    follow: Follow,
    rings: Rings,
    /// How many distinct tracks the ring of tracks last heard out holds.
    heard_tracks: usize,
    surprise: Surprise,
    /// The latest play noted.
    last_play: u64,
    /// The play at which the latest change of taste was noticed (0: none yet).
    changed_at: u64,
    /// Answers since then to replays of tracks last played before it, per their last answer
    /// then ([`Answer::index`]): the prior of every track not heard since the change.
    stale: [Evidence; 3],
    /// The tracks last skipped before the latest change, ascending, once a pick looked for
    /// them: where it finds tracks whose worth the change may have turned (see
    /// [`Taste::draw_stale`]).
    stale_ids: OnceCell<Vec<TrackId>>,
    /// Which tracks go well after which, beyond the transitions answered.
    affinity: Affinity,
    /// The answers to picks drawn among the best five and among the best three.
    breadths: Breadths,
}

impl Taste {
    /// An empty memory forgetting with `half_life` lessons, whose first guess of the repeat
    /// window is `start_window` plays.
    pub fn new(half_life: f64, start_window: u64) -> Self {
        Self {
            decay: Decay::new(half_life),
            tracks: IdTable::default(),
            transitions: IdTable::default(),
            from_start: Vec::new(),
            gaps: Gaps::new(half_life, start_window),
            first: Evidence::default(),
            linked: Evidence::default(),
            follow: Follow::default(),
            rings: Rings::default(),
            heard_tracks: 0,
            surprise: Surprise::default(),
            last_play: 0,
            changed_at: 0,
            stale: [Evidence::default(); 3],
            stale_ids: OnceCell::new(),
            affinity: Affinity::default(),
            breadths: Breadths::default(),
        }
    }

    /// The play at which the latest change of taste was noticed (0: none yet).
    pub fn changed_at(&self) -> u64 {
        self.changed_at
    }

    /// Reads a stored sum as of now.
    fn now(&self, e: Evidence) -> Evidence {
        e.scaled(self.decay.now())
    }

    /// The track's answers, decayed to now.
    pub fn track(&self, id: TrackId) -> Evidence {
        self.tracks
            .get(id)
            .map_or_else(Evidence::default, |t| self.now(t.evidence))
    }

    /// The track's answers in stored units (multiply by [`Taste::decay`] to read them as of
    /// now: the hot path of a pick hoists that factor), the play it last played at, and its
    /// last answer, in one lookup.
    #[inline(always)]
    pub fn track_stored(&self, id: TrackId) -> (Evidence, Option<u64>, Answer) {
        // A `match`, not `map_or`: the size-optimised build calls `map_or` out of line, once
        // per candidate of every pick.
        match self.tracks.get(id) {
            Some(t) => (t.evidence, (t.played > 0).then_some(t.played), t.last),
            None => (Evidence::default(), None, Answer::Skipped),
        }
    }

    /// Notes that `id` played as play number `play` (1-based), as the recency record does.
    pub fn note_play(&mut self, id: TrackId, play: u64) {
        self.last_play = self.last_play.max(play);
        self.change_entry(id, |t| t.played = play);
    }

    /// Notes the last play of many tracks at once (a memory restored: its parts do not keep
    /// plays), as [`Taste::note_play`] for each but in O(n log n).
    pub fn note_plays(&mut self, plays: impl Iterator<Item = (TrackId, u64)>) {
        for (id, play) in plays {
            self.last_play = self.last_play.max(play);
            if let Some(t) = self.tracks.entry(id) {
                t.played = play;
            }
        }
        self.stale_ids = OnceCell::new();
    }

    /// True when nothing was learned yet about any track.
    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    /// The mean answer to a track heard for the first time: the prior of every unheard track.
    pub fn prior_mean(&self) -> f64 {
        self.now(self.first).mean(0.5, KIND_PRIOR_WEIGHT)
    }

    /// The track-level priors as of now, read once per pick.
    pub(crate) fn priors(&self) -> Priors {
        let first = self.prior_mean();
        let mean = |e| self.now(e).mean(first, KIND_PRIOR_WEIGHT);
        let stale = if self.changed_at == 0 {
            [first; 3]
        } else {
            // Written out: `array::map` is a `try_map` with copies in the size-optimised wasm.
            let [heard, partly, skipped] = self.stale;
            [mean(heard), mean(partly), mean(skipped)]
        };
        Priors {
            first,
            linked: mean(self.linked),
            stale,
            changed_at: self.changed_at,
        }
    }

    /// The transitions out of `from` that have evidence, sorted by target, in stored units
    /// (see [`Taste::decay`]).
    pub fn transitions_from(&self, from: TrackId) -> &[(TrackId, Evidence)] {
        if from == START {
            return &self.from_start;
        }
        self.transitions.get(from).map_or(&[], |row| &row.to)
    }

    /// The row of transitions out of `from`, made empty when it has none.
    fn row_mut(&mut self, from: TrackId) -> &mut Vec<(TrackId, Evidence)> {
        // The table answers `None` for key 0 only: the start node, whose row is a field.
        // `upsert` is inlined where `entry` is a call: 0.1 KB more wasm gzipped, and 2.6 %
        // fewer instructions per `feedback` (callgrind, 600 000 of them).
        match self.transitions.upsert(from) {
            Some((row, _)) => &mut row.to,
            None => &mut self.from_start,
        }
    }

    /// The transition's answers, decayed to now.
    pub fn transition(&self, from: TrackId, to: TrackId) -> Evidence {
        let row = self.transitions_from(from);
        row.binary_search_by_key(&to, |(t, _)| *t)
            .ok()
            .and_then(|at| row.get(at))
            .map_or_else(Evidence::default, |(_, e)| self.now(*e))
    }

    /// What a pick after `from` needs to shift its candidates by their learned affinity
    /// (see [`Context`]).
    #[inline]
    pub(crate) fn context(&self, from: TrackId) -> Context<'_> {
        self.affinity.context(from)
    }

    /// How far a pick after `from` heeds the share of `from`'s row, from 0 to 1: as far as
    /// the picks on such a row fared at least as well as those off it, after a track answered
    /// as `from` last was (see the module `follow`). Fully from the start node.
    pub(crate) fn heed_row(&self, from: TrackId) -> f64 {
        if from == START {
            return 1.0;
        }
        self.tracks
            .get(from)
            .map_or(1.0, |t| self.follow.heed(t.last, self.decay.now()))
    }

    /// The answers to picks drawn each way, which choose how the next pick draws.
    #[inline]
    pub fn breadths(&self) -> &Breadths {
        &self.breadths
    }

    /// Notes the answer to a generated pick that was drawn `way`.
    pub fn answer_breadth(&mut self, way: Breadth, answer: Answer) {
        self.breadths.answer(way, answer);
    }

    /// What a stored sum is multiplied by to read it as of now.
    pub fn decay(&self) -> f64 {
        self.decay.now()
    }

    /// How welcome a replay after `gap` plays is, relative to the best gap (1 for a gap at or
    /// past [`Taste::horizon`]).
    #[inline(always)]
    pub fn gap_factor(&self, gap: u64) -> f64 {
        self.gaps.factor(gap)
    }

    /// The repeat window: replays within fewer plays than this are more likely skipped than not.
    pub fn window(&self) -> u64 {
        self.gaps.window()
    }

    /// From this gap on a replay is as welcome as a first play.
    pub fn horizon(&self) -> u64 {
        self.gaps.horizon()
    }

    /// The replay-gap buckets' answers, decayed to now.
    pub fn gaps(&self) -> impl Iterator<Item = Evidence> + '_ {
        self.gaps.now()
    }

    /// A track drawn uniformly from the ring of recent answers `answer` (heard out or partly
    /// heard), among all but its `newest` entries when it holds more. An answer adds one entry
    /// at most, and most answers are to plays: the newest `window - 1` entries are mostly
    /// tracks the repeat window holds back, and passing over them keeps the draws for tracks
    /// that can play (an entry passed over is drawn once newer ones came after it). A track
    /// answered otherwise since stays in the ring until it ages out: its evidence, not the
    /// ring, decides what it is worth.
    #[inline]
    pub fn draw(&self, answer: Answer, newest: usize, rng: &mut Rng) -> Option<TrackId> {
        self.rings.draw(answer, newest, rng)
    }

    /// Forgets a track: its answers, and every transition to or from it.
    pub fn forget(&mut self, id: TrackId) {
        self.affinity.forget(id);
        if self.tracks.remove(id).is_some_and(|t| t.heard_in_ring > 0) {
            self.heard_tracks = self.heard_tracks.saturating_sub(1);
        }
        self.rings.forget(id);
        self.sync_stale(id);
        self.transitions.remove(id);
        if id == START {
            // The row out of `id` goes, even the start node's (which the table cannot hold).
            self.from_start.clear();
        }
        self.transitions.retain(|row| {
            row.to.retain(|(to, _)| *to != id);
            !row.to.is_empty()
        });
        self.from_start.retain(|(to, _)| *to != id);
    }
}

impl PartialEq for Taste {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

#[cfg(test)]
pub(crate) mod tests;
