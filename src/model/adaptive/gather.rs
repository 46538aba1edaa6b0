//! Gathering the candidates of an adaptive pick: a bounded set whatever the catalogue's size,
//! each looked up once in the listener's taste.

use super::{Pick, START};
use crate::model::taste::{Answer, Evidence, Taste};
use crate::model::{Recency, Rng, RuntimeGraph, TrackId};

/// At most this many edges of the current track's row are scored, drawn at random when it has
/// more.
const ROW_PICKS: usize = 8;
/// Tracks last heard out, outside the repeat window, drawn each pick.
const LIKED_PICKS: usize = 8;
/// Tracks last partly heard, outside the repeat window, drawn each pick.
const PARTLY_PICKS: usize = 2;
/// Draws from a ring beyond the candidates wanted from it, for those the window holds back.
const RING_SPARE_DRAWS: usize = 2;
/// Tracks drawn from the whole catalogue each pick, so every track keeps a chance (every
/// other one by its start-row weight).
const SAMPLES: usize = 4;
/// Tracks drawn each pick, after a change of taste, from those skipped before it.
const STALE_PICKS: usize = 2;
/// For this many plays after a change of taste.
pub(super) const STALE_PLAYS: u64 = 500;

/// A 256-bit filter of the candidate ids gathered so far: most ids are new, and a clear bit
/// says so without comparing them with every candidate.
#[derive(Default)]
struct Seen([u64; 4]);

impl Seen {
    /// The word and the bit of `id`, computed once per candidate.
    #[inline(always)]
    fn bit(id: TrackId) -> (usize, u64) {
        let h = id.wrapping_mul(0x9E37_79B9) >> 24;
        ((h >> 6) as usize & 3, 1 << (h & 63))
    }

    #[inline(always)]
    fn note(&mut self, (word, bit): (usize, u64)) {
        if let Some(w) = self.0.get_mut(word) {
            *w |= bit;
        }
    }

    #[inline(always)]
    fn may_hold(&self, (word, bit): (usize, u64)) -> bool {
        self.0.get(word).is_some_and(|w| w & bit != 0)
    }
}

/// The candidates gathered so far, and a filter of their ids. The buffer is sized for the
/// most candidates a pick can gather before the first one is written, so adding one is a
/// store, not a call to `Vec::push` (which the size-optimised build does not inline).
struct Gathering<'a> {
    taste: &'a Taste,
    slots: &'a mut [Pick],
    len: usize,
    seen: Seen,
}

impl Gathering<'_> {
    /// Adds `id` unless it is a candidate already or `admit` refuses its last play (0: never);
    /// true when added. The track is looked up once, here.
    #[inline]
    fn add(&mut self, id: TrackId, base: f64, admit: impl Fn(u64) -> bool) -> bool {
        let bit = Seen::bit(id);
        if self.seen.may_hold(bit) && self.gathered().iter().any(|c| c.id == id) {
            return false;
        }
        let (track, played, last) = self.taste.track_stored(id);
        let played = played.unwrap_or(0);
        if !admit(played) {
            return false;
        }
        // The buffer holds every candidate a pick can gather: there is always a free slot.
        let Some(slot) = self.slots.get_mut(self.len) else {
            return false;
        };
        *slot = Pick {
            id,
            base,
            track,
            played,
            last,
        };
        self.len += 1;
        self.seen.note(bit);
        true
    }

    /// The candidates gathered so far.
    #[inline(always)]
    fn gathered(&self) -> &[Pick] {
        self.slots.get(..self.len).unwrap_or_default()
    }

    /// The current track's row (the build's base weights). A long row (a hub) is not scored
    /// whole: edges drawn at random, so every edge keeps a chance; the answered ones join
    /// later. The start row is the whole catalogue: the catalogue draws stand for it.
    fn row(&mut self, build: &RuntimeGraph, from: TrackId, rng: &mut Rng) {
        let Some(row) = build.base().row(from).filter(|_| from != START) else {
            return;
        };
        let n = row.len();
        if n <= ROW_PICKS {
            for (to, w) in row.iter() {
                self.add(to, w, |_| true);
            }
        } else {
            for _ in 0..ROW_PICKS {
                if let Some((to, w)) = row.nth(rng.below(n)) {
                    self.add(to, w, |_| true);
                }
            }
        }
    }

    /// Tracks the listener last heard out, then some last partly heard (for when every liked
    /// track is too recent), passing over those the window holds back. Draws are bounded, so
    /// a pick never reads a whole ring.
    fn rings(&mut self, window: u64, plays: u64, rng: &mut Rng) {
        // A replay after `plays + 1 - played` plays is outside the window.
        let outside = |played: u64| played == 0 || plays + 1 - played >= window;
        // The newest `window - 1` entries of a ring are mostly held back (see `Taste::draw`).
        let newest = usize::try_from(window.saturating_sub(1)).unwrap_or(usize::MAX);
        for (answer, wanted) in [
            (Answer::Heard, LIKED_PICKS),
            (Answer::Partial, PARTLY_PICKS),
        ] {
            let mut taken = 0;
            for _ in 0..wanted + RING_SPARE_DRAWS {
                let Some(id) = self.taste.draw(answer, newest, rng) else {
                    break;
                };
                if self.add(id, 0.0, outside) {
                    taken += 1;
                    if taken == wanted {
                        break;
                    }
                }
            }
        }
    }

    /// For [`STALE_PLAYS`] plays after a change of taste, tracks skipped before it and not
    /// played since: the catalogue draws rarely meet them, and without answers about them
    /// their prior (how such tracks fared since the change) learns nothing. By then the
    /// listener's new favourites are known (or these tracks were tried): they are tracks like
    /// any other again, and a pick no longer pays for the draws.
    fn stale(&mut self, changed_at: u64, plays: u64, rng: &mut Rng) {
        if changed_at == 0 || plays.saturating_sub(changed_at) > STALE_PLAYS {
            return;
        }
        for _ in 0..STALE_PICKS {
            let Some(id) = self.taste.draw_stale(rng) else {
                return;
            };
            self.add(id, 0.0, |played| played < changed_at);
        }
    }
}

/// What [`gather`] found: how many candidates (the first ones in the buffer), how many of
/// them came from the row (those are first), the transitions out of the row's track that
/// have answers (the scoring looks each candidate up in them), and the row's track.
pub(super) struct Gathered<'t> {
    pub(super) len: usize,
    pub(super) row_len: usize,
    pub(super) transitions: &'t [(TrackId, Evidence)],
    pub(super) from: TrackId,
}

/// Collects the candidates (with their base weight in the row, 0 off it) into the first
/// places of `scratch`, which grows to the most a pick can gather and never shrinks.
pub(super) fn gather<'t>(
    build: &RuntimeGraph,
    from: TrackId,
    taste: &'t Taste,
    recency: &Recency,
    rng: &mut Rng,
    scratch: &mut Vec<Pick>,
) -> Gathered<'t> {
    let transitions = taste.transitions_from(from);
    let most = ROW_PICKS + transitions.len() + LIKED_PICKS + PARTLY_PICKS + STALE_PICKS + SAMPLES;
    if scratch.len() < most {
        scratch.resize(most, Pick::default());
    }
    let mut g = Gathering {
        taste,
        slots: scratch,
        len: 0,
        seen: Seen::default(),
    };
    g.row(build, from, rng);
    let row_len = g.len;
    // The transitions answered after this track (from the start node they are the listener's
    // whole history, which the track level and the draws below already cover).
    if from != START {
        for (to, _) in transitions {
            g.add(*to, 0.0, |_| true);
        }
    }
    g.rings(window_bound(build, taste), recency.plays(), rng);
    g.stale(taste.changed_at(), recency.plays(), rng);
    // Every other catalogue draw that lands on a track never played trades it for one drawn
    // by start-row weight (the app's prior, such as public play counts), if that one never
    // played either: as many unheard tracks are tried as by uniform draws, and the app's
    // weights choose which. (The listener's own plays are mirrored onto the start row: they
    // do not count.) With equal weights, or none, the draws stay uniform.
    let unheard = |id: TrackId| taste.track_stored(id).1.is_none();
    for k in 0..SAMPLES {
        let Some(mut id) = build.base().random_track(rng) else {
            continue;
        };
        if k % 2 == 1 && unheard(id) {
            if let Some(by_weight) = build.draw_by_start_weight(rng).filter(|w| unheard(*w)) {
                id = by_weight;
            }
        }
        g.add(id, 0.0, |_| true);
    }
    Gathered {
        len: g.len,
        row_len,
        transitions,
        from,
    }
}

/// [`repeat_window`](super::repeat_window) for the hot path: bounded by the graph's keys (the tracks and the start
/// node, one more than the tracks; the same bound to within one play) without a lookup.
fn window_bound(build: &RuntimeGraph, taste: &Taste) -> u64 {
    taste.window().min(build.base().key_count().max(1) as u64)
}
