//! A persistent ordered map from track ids to values: sorted chunks of at most [`CHUNK`]
//! entries, shared by `Rc`.
//!
//! Cloning is O(1). The first change after a clone copies the chunk index (one pointer per
//! chunk, n / 32 of them) and the one chunk it touches; later changes copy nothing more until
//! the next clone. That gives runtime builds free snapshots of the base graph and rebuilds
//! that cost what changed. It replaces a general persistent B-tree crate at a fraction of the
//! code size in the wasm.

use std::rc::Rc;

use super::TrackId;

/// Entries per chunk before it splits in two.
const CHUNK: usize = 32;

#[derive(Clone, Debug, Default)]
struct Chunk<V> {
    keys: Vec<TrackId>,
    values: Vec<V>,
}

#[derive(Debug)]
pub(crate) struct ChunkedMap<V> {
    /// Chunks in key order; none is empty.
    chunks: Rc<Vec<Rc<Chunk<V>>>>,
    len: usize,
}

impl<V> Clone for ChunkedMap<V> {
    fn clone(&self) -> Self {
        Self {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<V> Default for ChunkedMap<V> {
    fn default() -> Self {
        Self {
            chunks: Rc::default(),
            len: 0,
        }
    }
}

impl<V: Clone> ChunkedMap<V> {
    /// The chunk that holds `key`, or would: the last whose first key is <= `key`.
    fn chunk_of(&self, key: TrackId) -> usize {
        self.chunks
            .partition_point(|c| c.keys.first().is_some_and(|k| *k <= key))
            .saturating_sub(1)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn get(&self, key: TrackId) -> Option<&V> {
        let chunk = self.chunks.get(self.chunk_of(key))?;
        let at = chunk.keys.binary_search(&key).ok()?;
        chunk.values.get(at)
    }

    pub(crate) fn contains_key(&self, key: TrackId) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn get_mut(&mut self, key: TrackId) -> Option<&mut V> {
        let c = self.chunk_of(key);
        let at = self.chunks.get(c)?.keys.binary_search(&key).ok()?;
        let chunk = Rc::make_mut(Rc::make_mut(&mut self.chunks).get_mut(c)?);
        chunk.values.get_mut(at)
    }

    /// The value of `key`, inserted with `make` when absent.
    pub(crate) fn get_or_insert_with(
        &mut self,
        key: TrackId,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        if !self.contains_key(key) {
            self.insert(key, make());
        }
        self.get_mut(key)
    }

    /// Inserts or replaces; returns the value replaced.
    pub(crate) fn insert(&mut self, key: TrackId, value: V) -> Option<V> {
        let c = self.chunk_of(key);
        let chunks = Rc::make_mut(&mut self.chunks);
        let Some(chunk) = chunks.get_mut(c) else {
            chunks.push(Rc::new(Chunk {
                keys: vec![key],
                values: vec![value],
            }));
            self.len += 1;
            return None;
        };
        let chunk = Rc::make_mut(chunk);
        match chunk.keys.binary_search(&key) {
            Ok(at) => chunk
                .values
                .get_mut(at)
                .map(|old| std::mem::replace(old, value)),
            Err(at) => {
                chunk.keys.insert(at, key);
                chunk.values.insert(at, value);
                self.len += 1;
                if chunk.keys.len() > CHUNK {
                    let upper = Chunk {
                        keys: chunk.keys.split_off(CHUNK / 2),
                        values: chunk.values.split_off(CHUNK / 2),
                    };
                    chunks.insert(c + 1, Rc::new(upper));
                }
                None
            }
        }
    }

    pub(crate) fn remove(&mut self, key: TrackId) -> Option<V> {
        let c = self.chunk_of(key);
        let at = self.chunks.get(c)?.keys.binary_search(&key).ok()?;
        let chunks = Rc::make_mut(&mut self.chunks);
        let chunk = Rc::make_mut(chunks.get_mut(c)?);
        chunk.keys.remove(at);
        let value = chunk.values.remove(at);
        if chunk.keys.is_empty() {
            chunks.remove(c);
        }
        self.len -= 1;
        Some(value)
    }

    /// Entries in ascending key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (TrackId, &V)> + '_ {
        self.chunks
            .iter()
            .flat_map(|c| c.keys.iter().copied().zip(c.values.iter()))
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.chunks.iter().flat_map(|c| c.keys.iter().copied())
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
            if step % 2_000 == 0 {
                snapshots.push((map.clone(), model.clone()));
            }
        }
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
