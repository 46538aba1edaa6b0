//! What a build learned, edge by edge: found by hashing, read in order.

use super::Learned;
use crate::model::chunked_map::ChunkedMap;
use crate::model::table::{keyed_by, IdTable};
use crate::model::TrackId;

/// An edge as one key, `from` in the high half: edges sort by source, then by target, so a
/// source's edges are one run of the map.
pub(super) fn key(from: TrackId, to: TrackId) -> u64 {
    u64::from(from) << 32 | u64::from(to)
}

/// The source of an edge's key.
pub(super) fn source(key: u64) -> TrackId {
    (key >> 32) as TrackId
}

/// Lessons keyed by their edge (see [`key`]: a source's edges sort together, by
/// target).
///
/// A lesson is found by hashing, so that one on an edge already taught (most of them, however
/// many pile up in one build) costs O(1); the keys are also kept in order, in a chunked sorted
/// map, for what reads a source's lessons in target order (a pick) or all of them in order (a
/// snapshot, a fold): a lesson on a new edge inserts its key there in O(log n), moving at most
/// a chunk of 128 keys. Both always hold the same keys.
///
/// The start row's lessons (every lesson is mirrored there) have a table of their own: at most
/// one entry per track, small enough to stay in cache, where the table of every edge taught is
/// not; so the mirror of a lesson seldom waits for memory.
#[derive(Clone, Debug, Default)]
pub(super) struct Lessons {
    /// The start row's lessons, then the others.
    by_key: [Table; 2],
    order: ChunkedMap<(), u64>,
}

impl Lessons {
    /// Lessons given in strictly ascending key order (not checked here).
    pub(super) fn from_sorted(entries: impl IntoIterator<Item = (u64, Learned)>) -> Self {
        let mut lessons = Self::default();
        lessons.order = ChunkedMap::from_sorted(entries.into_iter().map(|(k, l)| {
            if let Some(slot) = table_mut(&mut lessons.by_key, k).entry(k) {
                slot.learned = l;
            }
            (k, ())
        }));
        lessons
    }

    /// The table `key` belongs in: the start row's, or the other.
    #[inline(always)]
    fn table(&self, key: u64) -> &Table {
        let [start, other] = &self.by_key;
        if key >> 32 == 0 {
            start
        } else {
            other
        }
    }

    pub(super) fn len(&self) -> usize {
        self.by_key.iter().map(Table::len).sum()
    }

    pub(super) fn get(&self, key: u64) -> Option<&Learned> {
        self.table(key).get(key).map(|s| &s.learned)
    }

    pub(super) fn get_mut(&mut self, key: u64) -> Option<&mut Learned> {
        table_mut(&mut self.by_key, key)
            .get_mut(key)
            .map(|s| &mut s.learned)
    }

    /// The lesson of `key`, inserted with `make` when absent, and whether it was (`None` for
    /// key 0 only, which is no edge a lesson can be on).
    pub(super) fn upsert(
        &mut self,
        key: u64,
        make: impl FnOnce() -> Learned,
    ) -> Option<(&mut Learned, bool)> {
        let (slot, new) = table_mut(&mut self.by_key, key).upsert(key)?;
        if new {
            slot.learned = make();
            self.order.insert(key, ());
        }
        Some((&mut slot.learned, new))
    }

    pub(super) fn remove(&mut self, key: u64) {
        if table_mut(&mut self.by_key, key).remove(key).is_some() {
            self.order.remove(key);
        }
    }

    /// Every lesson, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, &Learned)> + '_ {
        self.iter_from(0)
    }

    /// The lessons with a key from `key` on, in key order.
    pub(super) fn iter_from(&self, key: u64) -> impl Iterator<Item = (u64, &Learned)> + '_ {
        (self.order.iter_from(key)).filter_map(|(k, _)| Some((k, self.get(k)?)))
    }
}

/// [`Lessons::table`], to change.
#[inline(always)]
fn table_mut(tables: &mut [Table; 2], key: u64) -> &mut Table {
    let [start, other] = tables;
    if key >> 32 == 0 {
        start
    } else {
        other
    }
}

/// Lessons by key, by open addressing (linear probing, [`IdTable`]): a lookup is one
/// multiplication and one or two probes of one 32-byte slot, where a general hash map reads a
/// control group and a bucket, through several calls in a build optimised for size. Key 0
/// (the edge from the start node to itself, never a lesson) marks an empty slot.
type Table = IdTable<Slot>;

/// One lesson and its key.
#[derive(Clone, Debug, Default)]
struct Slot {
    key: u64,
    learned: Learned,
}

keyed_by!(Slot, key: u64);

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rng;
    use std::collections::BTreeMap;

    #[test]
    fn agrees_with_a_btree_map_through_inserts_and_removals() {
        let mut rng = Rng::new(11);
        let mut lessons = Lessons::default();
        let mut model: BTreeMap<u64, f64> = BTreeMap::new();
        for step in 0..30_000u32 {
            // Sources 0 (the start row's table) to 40, targets 1 to 60: long probe runs.
            let key = (rng.below(41) as u64) << 32 | (1 + rng.below(60) as u64);
            if rng.below(3) < 2 {
                let (l, new) = lessons.upsert(key, Learned::default).unwrap();
                assert_eq!(new, !model.contains_key(&key));
                l.bonus = f64::from(step);
                model.insert(key, f64::from(step));
            } else {
                lessons.remove(key);
                model.remove(&key);
            }
            assert_eq!(lessons.len(), model.len());
            let probe = (rng.below(41) as u64) << 32 | rng.below(61) as u64;
            assert_eq!(
                lessons.get(probe).map(|l| l.bonus),
                model.get(&probe).copied()
            );
        }
        let all: Vec<(u64, f64)> = lessons.iter().map(|(k, l)| (k, l.bonus)).collect();
        assert_eq!(all, model.into_iter().collect::<Vec<_>>());
        assert!(lessons.upsert(0, Learned::default).is_none());
        assert!(lessons.get(0).is_none());
    }
}
