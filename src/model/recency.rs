use std::collections::HashMap;

use super::TrackId;

/// When each track last played, counted in plays, for the repeat window and for "least recently
/// played". Only looked up by id, never iterated, so hash order cannot leak into a pick.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recency {
    plays: u64,
    last: HashMap<TrackId, u64>,
}

impl Recency {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a play of `id`.
    pub fn record(&mut self, id: TrackId) {
        self.plays += 1;
        self.last.insert(id, self.plays);
    }

    /// The play number (1-based) of the last play of `id`.
    pub fn last_played(&self, id: TrackId) -> Option<u64> {
        self.last.get(&id).copied()
    }

    /// True when `id` is among the last `window` plays (the current track counts).
    pub fn is_recent(&self, id: TrackId, window: usize) -> bool {
        self.last_played(id)
            .is_some_and(|at| at + window as u64 > self.plays)
    }

    /// Total plays recorded.
    pub fn plays(&self) -> u64 {
        self.plays
    }

    /// Every (track, last play) pair in id order, for saving.
    pub fn entries(&self) -> Vec<(TrackId, u64)> {
        let mut out: Vec<_> = self.last.iter().map(|(id, at)| (*id, *at)).collect();
        out.sort_unstable();
        out
    }

    /// Rebuilt from saved parts. Returns `None` when a last play lies after `plays`.
    pub fn restore(plays: u64, last: impl IntoIterator<Item = (TrackId, u64)>) -> Option<Self> {
        let mut r = Self {
            plays,
            last: HashMap::new(),
        };
        for (id, at) in last {
            if at == 0 || at > plays {
                return None;
            }
            r.last.insert(id, at);
        }
        Some(r)
    }

    pub fn forget(&mut self, id: TrackId) {
        self.last.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
