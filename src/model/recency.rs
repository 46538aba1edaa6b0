use super::table::{keyed_by, IdTable};
use super::{TrackId, START};

/// A track and the play (1-based) it last played at: a slot of the recency record's table.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct LastPlay {
    id: TrackId,
    at: u64,
}

keyed_by!(LastPlay, id: TrackId);

/// When each track last played, counted in plays, for the repeat window and for "least recently
/// played". Only looked up by id, and iterated only to be sorted for saving, so slot order
/// cannot leak into a pick. Tracks only: the start node (0) is never played.
#[derive(Clone, Debug, Default)]
pub struct Recency {
    plays: u64,
    last: IdTable<LastPlay>,
    /// The track of each of the last [`RING`] plays, at `play % RING` (0: none). The usual
    /// repeat window is small, and scanning it beats a hash lookup per candidate.
    ring: [TrackId; RING],
}

/// Plays remembered in the ring; larger repeat windows use the map.
const RING: usize = 16;

/// Equal when they would answer every question alike: the ring is a cache of the map.
impl PartialEq for Recency {
    fn eq(&self, other: &Self) -> bool {
        self.plays == other.plays && self.last == other.last
    }
}

impl Recency {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a play of `id`, and returns the play it last played at before (`None`: never):
    /// one search of the map where asking [`Recency::last_played`] first would be two.
    /// The start node is no track: recording it counts a play and remembers nothing.
    pub fn record(&mut self, id: TrackId) -> Option<u64> {
        self.plays += 1;
        let before = self.last.upsert(id).and_then(|(slot, inserted)| {
            let before = (!inserted).then_some(slot.at);
            slot.at = self.plays;
            before
        });
        if let Some(slot) = self.ring.get_mut(self.plays as usize % RING) {
            *slot = id;
        }
        before
    }

    /// The play number (1-based) of the last play of `id`.
    pub fn last_played(&self, id: TrackId) -> Option<u64> {
        self.last.get(id).map(|l| l.at)
    }

    /// The least recently played of `ids`: never-played tracks count as played at time 0, so
    /// they come first, lowest id first. The rule every pick falls back on when nothing else
    /// can be drawn.
    pub fn least_recent(&self, ids: impl Iterator<Item = TrackId>) -> Option<TrackId> {
        ids.min_by_key(|id| (self.last_played(*id).unwrap_or(0), *id))
    }

    /// True when `id` is among the last `window` plays (the current track counts).
    pub fn is_recent(&self, id: TrackId, window: usize) -> bool {
        let window = window.min(self.plays as usize);
        if window <= RING {
            return (0..window).any(|back| {
                let play = self.plays as usize - back;
                self.ring.get(play % RING) == Some(&id)
            });
        }
        self.last_played(id)
            .is_some_and(|at| at + window as u64 > self.plays)
    }

    /// The tracks of the last `window` plays (repeats possible), when the window is small
    /// enough to be read from the ring; `None` for a larger window.
    pub fn recent(&self, window: usize) -> Option<impl Iterator<Item = TrackId> + '_> {
        let window = window.min(self.plays as usize);
        (window <= RING).then(|| {
            (0..window)
                .filter_map(move |back| self.ring.get((self.plays as usize - back) % RING).copied())
        })
    }

    /// Total plays recorded.
    pub fn plays(&self) -> u64 {
        self.plays
    }

    /// Every (track, last play) pair in id order, for saving.
    pub fn entries(&self) -> Vec<(TrackId, u64)> {
        let mut out: Vec<_> = self.last.iter().map(|l| (l.id, l.at)).collect();
        super::sort_pairs(&mut out);
        out
    }

    /// Rebuilt from saved parts. Returns `None` when a last play lies after `plays`, or a
    /// track is the start node (0), which the table cannot hold.
    pub fn restore(plays: u64, last: impl IntoIterator<Item = (TrackId, u64)>) -> Option<Self> {
        let mut r = Self {
            plays,
            last: IdTable::default(),
            ring: [0; RING],
        };
        for (id, at) in last {
            if id == START || at == 0 || at > plays {
                return None;
            }
            r.last.insert(LastPlay { id, at });
            if at + RING as u64 > plays {
                if let Some(slot) = r.ring.get_mut(at as usize % RING) {
                    *slot = id;
                }
            }
        }
        Some(r)
    }

    pub fn forget(&mut self, id: TrackId) {
        self.last.remove(id);
        for slot in &mut self.ring {
            if *slot == id {
                *slot = 0;
            }
        }
    }
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recent_is_a_never_played_track_lowest_id_first_then_the_oldest_play() {
        let mut r = Recency::new();
        for id in [5, 3, 9] {
            r.record(id);
        }
        assert_eq!(r.least_recent([9, 3, 5].into_iter()), Some(5));
        assert_eq!(r.least_recent([9, 8, 3, 7].into_iter()), Some(7));
        assert_eq!(r.least_recent(std::iter::empty()), None);
    }

    #[test]
    fn window_counts_the_current_track() {
        let mut r = Recency::new();
        for id in [1, 2, 3] {
            r.record(id);
        }
        assert!(r.is_recent(3, 1));
        assert!(!r.is_recent(2, 1));
        assert!(r.is_recent(1, 3));
        assert!(!r.is_recent(1, 2));
        assert!(!r.is_recent(9, 8));
        assert!(!r.is_recent(3, 0));
        assert_eq!(r.record(START), None);
        assert_eq!(r.record(1), Some(1));
        assert_eq!(r.entries(), [(1, 5), (2, 2), (3, 3)]);
        assert!(Recency::restore(5, [(START, 4)]).is_none());
    }

    #[test]
    fn the_ring_and_the_map_agree_for_every_window() {
        let mut rng = crate::model::Rng::new(2);
        let mut r = Recency::new();
        for _ in 0..500 {
            r.record(1 + rng.below(30) as TrackId);
            if rng.below(20) == 0 {
                r.forget(1 + rng.below(30) as TrackId);
            }
            let restored = Recency::restore(r.plays(), r.entries()).unwrap();
            // Filled in id order, its table places the tracks otherwise: equal all the same.
            assert_eq!(restored, r);
            for window in [0, 1, 5, 8, 16, 17, 40] {
                for id in 1..=30 {
                    let by_map = r
                        .last_played(id)
                        .is_some_and(|at| at + window as u64 > r.plays());
                    assert_eq!(r.is_recent(id, window), by_map, "window {window}, id {id}");
                    assert_eq!(restored.is_recent(id, window), by_map);
                }
            }
        }
    }
}
