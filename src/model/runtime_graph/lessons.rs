//! What a build learned, edge by edge: found by hashing, read in order.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::Learned;
use crate::model::chunked_map::ChunkedMap;
use crate::model::recency::IdHasher;

/// Lessons keyed by their edge (see [`super::key`]: a source's edges sort together, by
/// target).
///
/// A lesson is found by hashing, so that one on an edge already taught (most of them, however
/// many pile up in one build) costs O(1); the keys are also kept in order, in a chunked sorted
/// map, for what reads a source's lessons in target order (a pick) or all of them in order (a
/// snapshot, a fold): a lesson on a new edge inserts its key there in O(log n), moving at most
/// a chunk of 128 keys. Both always hold the same keys.
#[derive(Clone, Debug, Default)]
pub(super) struct Lessons {
    by_key: HashMap<u64, Learned, BuildHasherDefault<IdHasher>>,
    order: ChunkedMap<(), u64>,
}

impl Lessons {
    /// Lessons given in strictly ascending key order (not checked here).
    pub(super) fn from_sorted(entries: impl IntoIterator<Item = (u64, Learned)>) -> Self {
        let mut by_key = HashMap::default();
        let order = ChunkedMap::from_sorted(entries.into_iter().map(|(k, l)| {
            by_key.insert(k, l);
            (k, ())
        }));
        Self { by_key, order }
    }

    pub(super) fn len(&self) -> usize {
        self.by_key.len()
    }

    pub(super) fn get(&self, key: u64) -> Option<&Learned> {
        self.by_key.get(&key)
    }

    pub(super) fn get_mut(&mut self, key: u64) -> Option<&mut Learned> {
        self.by_key.get_mut(&key)
    }

    /// The lesson of `key`, inserted with `make` when absent, and whether it was.
    pub(super) fn upsert(
        &mut self,
        key: u64,
        make: impl FnOnce() -> Learned,
    ) -> (&mut Learned, bool) {
        match self.by_key.entry(key) {
            Entry::Occupied(e) => (e.into_mut(), false),
            Entry::Vacant(e) => {
                self.order.insert(key, ());
                (e.insert(make()), true)
            }
        }
    }

    pub(super) fn remove(&mut self, key: u64) {
        if self.by_key.remove(&key).is_some() {
            self.order.remove(key);
        }
    }

    /// Every lesson, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, &Learned)> + '_ {
        self.iter_from(0)
    }

    /// The lessons with a key from `key` on, in key order.
    pub(super) fn iter_from(&self, key: u64) -> impl Iterator<Item = (u64, &Learned)> + '_ {
        (self.order.iter_from(key)).filter_map(|(k, _)| Some((k, self.by_key.get(&k)?)))
    }
}
