use super::chunked_map::{Chunk, ChunkedMap};
use super::TrackId;

/// Rows longer than this are kept in shared chunks rather than two flat vectors.
const FLAT_LIMIT: usize = 1024;

/// The weights out of one track, sorted by target so lookups are binary searches and iteration
/// is in id order.
///
/// Most rows are short and flat: targets and weights in two parallel vectors (12 bytes an edge,
/// no padding), read in one sweep. A row that grows past [`FLAT_LIMIT`] (the start row holds one
/// edge per known track) becomes a [`ChunkedMap`], so that copying it on write, as every
/// rebuild does for the rows it changes, costs one chunk, not the whole row.
#[derive(Clone, Debug)]
pub struct Row(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Flat {
        targets: Vec<TrackId>,
        weights: Vec<f64>,
    },
    Chunked(ChunkedMap<f64>),
}

impl Default for Row {
    fn default() -> Self {
        Row(Repr::Flat {
            targets: Vec::new(),
            weights: Vec::new(),
        })
    }
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// The parts of a row: runs of targets (ascending) with their weights, side by side.
#[derive(Debug)]
pub struct Segments<'a> {
    flat: Option<(&'a [TrackId], &'a [f64])>,
    chunks: std::slice::Iter<'a, std::rc::Rc<Chunk<f64>>>,
}

impl<'a> Iterator for Segments<'a> {
    type Item = (&'a [TrackId], &'a [f64]);

    fn next(&mut self) -> Option<Self::Item> {
        self.flat
            .take()
            .or_else(|| self.chunks.next().map(|c| c.parts()))
    }
}

impl Row {
    /// The weight of the edge to `to`, if the edge exists (it may exist at weight 0).
    pub fn get(&self, to: TrackId) -> Option<f64> {
        match &self.0 {
            Repr::Flat { targets, weights } => {
                let at = targets.binary_search(&to).ok()?;
                weights.get(at).copied()
            }
            Repr::Chunked(map) => map.get(to).copied(),
        }
    }

    /// The row as runs of (targets, weights): one run for a flat row, one per chunk otherwise.
    /// The hot paths sweep these slices directly.
    pub fn segments(&self) -> Segments<'_> {
        match &self.0 {
            Repr::Flat { targets, weights } => Segments {
                flat: Some((targets, weights)),
                chunks: [].iter(),
            },
            Repr::Chunked(map) => Segments {
                flat: None,
                chunks: map.chunks().iter(),
            },
        }
    }

    /// Edges in target order.
    pub fn iter(&self) -> impl Iterator<Item = (TrackId, f64)> + '_ {
        self.segments()
            .flat_map(|(t, w)| t.iter().copied().zip(w.iter().copied()))
    }

    /// The `i`-th edge in target order (a walk over the chunks of a long row, whatever their
    /// split).
    pub fn nth(&self, mut i: usize) -> Option<(TrackId, f64)> {
        if let Repr::Flat { targets, weights } = &self.0 {
            return Some((*targets.get(i)?, *weights.get(i)?));
        }
        for (targets, weights) in self.segments() {
            if i < targets.len() {
                return Some((*targets.get(i)?, *weights.get(i)?));
            }
            i -= targets.len();
        }
        None
    }

    /// The number of edges, zero-weight ones included.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Flat { targets, .. } => targets.len(),
            Repr::Chunked(map) => map.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A row from `(target, weight)` pairs, which must be in strictly ascending target order
    /// with finite, non-negative weights; otherwise the index of the first bad pair.
    pub fn from_sorted(pairs: impl IntoIterator<Item = (TrackId, f64)>) -> Result<Self, usize> {
        let (mut targets, mut weights) = (Vec::new(), Vec::new());
        for (i, (to, w)) in pairs.into_iter().enumerate() {
            let ascending = targets.last().is_none_or(|last| *last < to);
            if !(ascending && w.is_finite() && w >= 0.0) {
                return Err(i);
            }
            targets.push(to);
            weights.push(w);
        }
        let mut row = Row(Repr::Flat { targets, weights });
        row.chunk_if_long();
        Ok(row)
    }

    fn chunk_if_long(&mut self) {
        if let Repr::Flat { targets, weights } = &self.0 {
            if targets.len() > FLAT_LIMIT {
                let mut map = ChunkedMap::default();
                for (to, w) in targets.iter().zip(weights) {
                    map.insert(*to, *w);
                }
                self.0 = Repr::Chunked(map);
            }
        }
    }

    /// Adds `delta` to the edge (creating it at 0 first), never going below 0.
    /// Returns true when the edge is new.
    pub(crate) fn adjust(&mut self, to: TrackId, delta: f64) -> bool {
        let added = match &mut self.0 {
            Repr::Flat { targets, weights } => match targets.binary_search(&to) {
                Ok(at) => {
                    if let Some(w) = weights.get_mut(at) {
                        *w = (*w + delta).max(0.0);
                    }
                    false
                }
                Err(at) => {
                    targets.insert(at, to);
                    weights.insert(at, delta.max(0.0));
                    true
                }
            },
            Repr::Chunked(map) => match map.get_mut(to) {
                Some(w) => {
                    *w = (*w + delta).max(0.0);
                    false
                }
                None => {
                    map.insert(to, delta.max(0.0));
                    true
                }
            },
        };
        if added {
            self.chunk_if_long();
        }
        added
    }

    /// Removes the edge to `to`; true when there was one.
    pub(crate) fn remove(&mut self, to: TrackId) -> bool {
        match &mut self.0 {
            Repr::Flat { targets, weights } => match targets.binary_search(&to) {
                Ok(at) => {
                    targets.remove(at);
                    weights.remove(at);
                    true
                }
                Err(_) => false,
            },
            Repr::Chunked(map) => map.remove(to).is_some(),
        }
    }

    pub(crate) fn contains(&self, to: TrackId) -> bool {
        self.get(to).is_some()
    }
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rng;

    #[test]
    fn a_long_row_is_chunked_and_behaves_the_same() {
        let mut rng = Rng::new(8);
        let mut row = Row::default();
        let mut model = std::collections::BTreeMap::new();
        for _ in 0..6000 {
            let to = 1 + rng.below(3000) as TrackId;
            let delta = rng.next_f64() * 4.0 - 1.0;
            if rng.below(10) == 0 {
                assert_eq!(row.remove(to), model.remove(&to).is_some());
                continue;
            }
            let before = row.clone();
            let added = row.adjust(to, delta);
            assert_eq!(added, !model.contains_key(&to));
            let w = model.entry(to).or_insert(0.0);
            *w = (*w + delta).max(0.0);
            // Copy on write: the clone taken before keeps its old view.
            assert_eq!(before.len() + usize::from(added), row.len());
        }
        assert!(matches!(row.0, Repr::Chunked(_)));
        let got: Vec<(TrackId, f64)> = row.iter().collect();
        let want: Vec<(TrackId, f64)> = model.into_iter().collect();
        assert_eq!(got, want);
        assert_eq!(Row::from_sorted(got.iter().copied()).unwrap(), row);
    }
}
