//! A persistent ordered map from track ids (or edges) to values: sorted chunks of at most
//! [`CHUNK`] entries, shared by `Rc`.
//!
//! Cloning is O(1). The first change after a clone copies the chunk index (one pointer per
//! chunk, n / 128 of them) and the one chunk it touches; later changes copy nothing more until
//! the next clone. That gives runtime builds free snapshots of the base graph and rebuilds
//! that cost what changed. It replaces a general persistent B-tree crate at a fraction of the
//! code size in the wasm.

use std::rc::Rc;

use super::TrackId;

mod walk;

/// Entries per chunk before it splits in two.
const CHUNK: usize = 128;

#[derive(Clone, Debug, Default)]
pub(crate) struct Chunk<V, K = TrackId> {
    keys: Vec<K>,
    values: Vec<V>,
}

impl<V, K> Chunk<V, K> {
    /// The keys (ascending) and their values, side by side.
    pub(crate) fn parts(&self) -> (&[K], &[V]) {
        (&self.keys, &self.values)
    }
}

/// The chunks, and the first key of each side by side: a lookup binary-searches `firsts`, one
/// contiguous array, instead of following a pointer per step.
#[derive(Clone, Debug)]
struct Index<V, K> {
    firsts: Vec<K>,
    /// Chunks in key order; none is empty.
    chunks: Vec<Rc<Chunk<V, K>>>,
}

impl<V, K: Copy> Index<V, K> {
    /// Appends a chunk of keys above every key held.
    fn push(&mut self, chunk: Chunk<V, K>) {
        if let Some(first) = chunk.keys.first() {
            self.firsts.push(*first);
            self.chunks.push(Rc::new(chunk));
        }
    }
}

#[derive(Debug)]
pub(crate) struct ChunkedMap<V, K = TrackId> {
    index: Rc<Index<V, K>>,
    len: usize,
}

impl<V, K> Clone for ChunkedMap<V, K> {
    fn clone(&self) -> Self {
        Self {
            index: self.index.clone(),
            len: self.len,
        }
    }
}

impl<V, K> Default for ChunkedMap<V, K> {
    fn default() -> Self {
        Self {
            index: Rc::new(Index {
                firsts: Vec::new(),
                chunks: Vec::new(),
            }),
            len: 0,
        }
    }
}

/// Keys are track ids, or edges `(from, to)` packed in a `u64` so that edges sort by source,
/// then target.
impl<V: Clone, K: Copy + Ord + Into<u64>> ChunkedMap<V, K> {
    /// A map of entries given in strictly ascending key order (not checked here), built in one
    /// pass: O(n), where inserting them one by one would copy chunks as they split.
    pub(crate) fn from_sorted(entries: impl IntoIterator<Item = (K, V)>) -> Self {
        // Chunks start three quarters full, so the next insertions rarely split one at once.
        const FILL: usize = CHUNK * 3 / 4;
        let mut index = Index {
            firsts: Vec::new(),
            chunks: Vec::new(),
        };
        let mut len = 0;
        let mut chunk = Chunk {
            keys: Vec::with_capacity(FILL),
            values: Vec::with_capacity(FILL),
        };
        for (key, value) in entries {
            if chunk.keys.len() == FILL {
                let full = std::mem::replace(
                    &mut chunk,
                    Chunk {
                        keys: Vec::with_capacity(FILL),
                        values: Vec::with_capacity(FILL),
                    },
                );
                index.push(full);
            }
            chunk.keys.push(key);
            chunk.values.push(value);
            len += 1;
        }
        if !chunk.keys.is_empty() {
            index.push(chunk);
        }
        Self {
            index: Rc::new(index),
            len,
        }
    }

    /// The chunk that holds `key`, or would: the last whose first key is <= `key`.
    fn chunk_of(&self, key: K) -> usize {
        self.index
            .firsts
            .partition_point(|k| *k <= key)
            .saturating_sub(1)
    }

    /// True when both maps are the very same version (one cloned from the other, neither
    /// changed since): then they hold the same entries, and a diff has nothing to look at.
    pub(crate) fn same_version(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.index, &other.index)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The smallest key, if any.
    pub(crate) fn first_key(&self) -> Option<K> {
        self.index.firsts.first().copied()
    }

    pub(crate) fn get(&self, key: K) -> Option<&V> {
        let chunk = self.index.chunks.get(self.chunk_of(key))?;
        // With dense keys (the usual catalogue) a key sits at its offset from the chunk's
        // first: one probe; otherwise the search.
        let offset = chunk
            .keys
            .first()
            .map_or(0, |first| key.into().wrapping_sub((*first).into()) as usize);
        let at = if chunk.keys.get(offset) == Some(&key) {
            offset
        } else {
            chunk.keys.binary_search(&key).ok()?
        };
        chunk.values.get(at)
    }

    pub(crate) fn contains_key(&self, key: K) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn get_mut(&mut self, key: K) -> Option<&mut V> {
        let c = self.chunk_of(key);
        let at = self.index.chunks.get(c)?.keys.binary_search(&key).ok()?;
        let chunk = Rc::make_mut(Rc::make_mut(&mut self.index).chunks.get_mut(c)?);
        chunk.values.get_mut(at)
    }

    /// The value of `key`, inserted with `make` when absent.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: K,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        if !self.contains_key(key) {
            self.insert(key, make());
        }
        self.get_mut(key)
    }

    /// Inserts or replaces; returns the value replaced.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        let (c, found) = self.locate(key);
        match found {
            Some(Ok(at)) => self
                .value_mut(c, at)
                .map(|old| std::mem::replace(old, value)),
            Some(Err(at)) => {
                self.insert_at(c, at, key, value);
                None
            }
            None => {
                self.push_first(key, value);
                None
            }
        }
    }

    /// Where `key` is: its chunk, and its position in that chunk (`Ok`) or the position it
    /// would be inserted at (`Err`); no position when that chunk does not exist (no chunk yet).
    fn locate(&self, key: K) -> (usize, Option<Result<usize, usize>>) {
        let c = self.chunk_of(key);
        let found = self.index.chunks.get(c);
        (c, found.map(|chunk| chunk.keys.binary_search(&key)))
    }

    /// The value at position `at` of chunk `c`, the chunk copied first when it is shared.
    fn value_mut(&mut self, c: usize, at: usize) -> Option<&mut V> {
        let chunk = Rc::make_mut(Rc::make_mut(&mut self.index).chunks.get_mut(c)?);
        chunk.values.get_mut(at)
    }

    /// The first entry of an empty map. Room for a few more is made at once: maps made one
    /// entry at a time (what a build learns out of one track) mostly stay short, and growing
    /// from one entry would move them three times before eight.
    fn push_first(&mut self, key: K, value: V) {
        const FIRST: usize = 8;
        let index = Rc::make_mut(&mut self.index);
        let mut chunk = Chunk {
            keys: Vec::with_capacity(FIRST),
            values: Vec::with_capacity(FIRST),
        };
        chunk.keys.push(key);
        chunk.values.push(value);
        index.firsts.push(key);
        index.chunks.push(Rc::new(chunk));
        self.len += 1;
    }

    /// Inserts an absent key at position `at` of chunk `c`, where a search put it; a chunk
    /// grown past [`CHUNK`] splits in two.
    fn insert_at(&mut self, c: usize, at: usize, key: K, value: V) {
        let index = Rc::make_mut(&mut self.index);
        let Some(chunk) = index.chunks.get_mut(c) else {
            return;
        };
        let chunk = Rc::make_mut(chunk);
        chunk.keys.insert(at, key);
        chunk.values.insert(at, value);
        self.len += 1;
        if at == 0 {
            // Only the first chunk takes keys below its first one.
            if let Some(first) = index.firsts.get_mut(c) {
                *first = key;
            }
        }
        if chunk.keys.len() > CHUNK {
            let upper = Chunk {
                keys: chunk.keys.split_off(CHUNK / 2),
                values: chunk.values.split_off(CHUNK / 2),
            };
            if let Some(first) = upper.keys.first() {
                index.firsts.insert(c + 1, *first);
            }
            index.chunks.insert(c + 1, Rc::new(upper));
        }
    }

    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        let c = self.chunk_of(key);
        let at = self.index.chunks.get(c)?.keys.binary_search(&key).ok()?;
        let index = Rc::make_mut(&mut self.index);
        let chunk = Rc::make_mut(index.chunks.get_mut(c)?);
        chunk.keys.remove(at);
        let value = chunk.values.remove(at);
        match chunk.keys.first() {
            None => {
                index.chunks.remove(c);
                index.firsts.remove(c);
            }
            Some(first) => {
                if let Some(slot) = index.firsts.get_mut(c) {
                    *slot = *first;
                }
            }
        }
        self.len -= 1;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::Rng;

    #[test]
    fn behaves_like_a_btree_map_and_clones_are_snapshots() {
        let mut rng = Rng::new(5);
        let mut map: ChunkedMap<u64> = ChunkedMap::default();
        let mut model = BTreeMap::new();
        let mut snapshots = Vec::new();
        for step in 0..20_000u64 {
            let key = rng.below(700) as TrackId;
            match rng.below(4) {
                0 => assert_eq!(map.remove(key), model.remove(&key)),
                1 => {
                    if let Some(v) = map.get_mut(key) {
                        *v += 1;
                    }
                    if let Some(v) = model.get_mut(&key) {
                        *v += 1;
                    }
                }
                _ => assert_eq!(map.insert(key, step), model.insert(key, step)),
            }
            assert_eq!(map.len(), model.len());
            let firsts: Vec<TrackId> = map.index.chunks.iter().map(|c| c.keys[0]).collect();
            assert_eq!(map.index.firsts, firsts);
            if step % 2_000 == 0 {
                snapshots.push((map.clone(), model.clone()));
            }
        }
        let rebuilt = ChunkedMap::from_sorted(map.iter().map(|(k, v)| (k, *v)));
        snapshots.push((rebuilt, model.clone()));
        for (snap, expected) in snapshots.iter().chain([(map, model)].iter()) {
            let got: Vec<(TrackId, u64)> = snap.iter().map(|(k, v)| (k, *v)).collect();
            let want: Vec<(TrackId, u64)> = expected.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(got, want);
            for k in 0..700 {
                assert_eq!(snap.get(k), expected.get(&k));
            }
        }
    }
}
