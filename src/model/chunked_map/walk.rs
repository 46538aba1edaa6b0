//! Reading a map in key order, and drawing a key at random: what walks the chunks, where the
//! rest of the map looks one key up or changes one entry.

use std::rc::Rc;

use super::{Chunk, ChunkedMap};
use crate::model::{Rng, TrackId};

impl<V: Clone, K: Copy + Ord + Into<u64>> ChunkedMap<V, K> {
    /// Entries in ascending key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, &V)> + '_ {
        self.iter_chunks(0)
    }

    /// Entries in ascending key order from the start of chunk `c` on.
    fn iter_chunks(&self, c: usize) -> impl Iterator<Item = (K, &V)> + '_ {
        let chunks = self.index.chunks.get(c..).unwrap_or_default();
        chunks
            .iter()
            .flat_map(|c| c.keys.iter().copied().zip(c.values.iter()))
    }

    /// Entries with a key from `key` on, in ascending key order: one search, then a walk.
    pub(crate) fn iter_from(&self, key: K) -> impl Iterator<Item = (K, &V)> + '_ {
        let c = self.chunk_of(key);
        let at = self
            .index
            .chunks
            .get(c)
            .map_or(0, |chunk| chunk.keys.partition_point(|k| *k < key));
        // A walk of at most a chunk to `at`: one iterator for every walk, less wasm.
        self.iter_chunks(c).skip(at)
    }

    /// The chunks in key order.
    pub(crate) fn chunks(&self) -> &[Rc<Chunk<V, K>>] {
        &self.index.chunks
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.index
            .chunks
            .iter()
            .flat_map(|c| c.keys.iter().copied())
    }
}

impl<V: Clone> ChunkedMap<V> {
    /// A key drawn at random without scanning the map: the first key at or after a number
    /// drawn uniformly between the smallest and the largest key. It depends only on the keys,
    /// never on how the chunks happen to be split (a map rebuilt from a snapshot draws the same
    /// key), and it is uniform when the keys are consecutive; with gaps between keys, a key
    /// after a wider gap is drawn more often, and every key keeps a chance.
    pub(crate) fn random_key(&self, rng: &mut Rng) -> Option<TrackId> {
        let first = *self.index.firsts.first()?;
        let last = *self.index.chunks.last()?.keys.last()?;
        let span = u64::from(last - first) + 1;
        let v = first + (((rng.next_u64() >> 32) * span) >> 32) as TrackId;
        // Every key from the first to the last present (dense ids, the usual catalogue): the
        // first key at or after `v` is `v` itself, no search.
        if span == self.len as u64 {
            return Some(v);
        }
        let c = self.chunk_of(v);
        let chunk = self.index.chunks.get(c)?;
        let at = chunk.keys.partition_point(|k| *k < v);
        chunk
            .keys
            .get(at)
            .or_else(|| {
                self.index
                    .chunks
                    .get(c + 1)
                    .and_then(|next| next.keys.first())
            })
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_key_is_the_first_key_at_or_after_the_number_drawn() {
        // Dense keys take the shortcut; every other key gone takes the search.
        for step in [1, 2] {
            let map = ChunkedMap::from_sorted((0..3_000).step_by(step).map(|k| (k, ())));
            let span = u64::from(map.keys().last().unwrap()) + 1;
            let (mut rng, mut draws) = (Rng::new(9), Rng::new(9));
            for _ in 0..5_000 {
                let v = (((draws.next_u64() >> 32) * span) >> 32) as TrackId;
                let want = map.keys().find(|k| *k >= v);
                assert_eq!(map.random_key(&mut rng), want);
            }
        }
    }
}
