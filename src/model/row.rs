use super::chunked_map::{Chunk, ChunkedMap};
use super::{TrackId, MAX_WEIGHT};

/// Rows longer than this are kept in shared chunks rather than two flat vectors.
const FLAT_LIMIT: usize = 1024;

/// The weights out of one track, sorted by target so lookups are binary searches and iteration
/// is in id order.
///
/// Most rows are short and flat: targets and weights in two parallel vectors (12 bytes an edge,
/// no padding), read in one sweep. A row that grows past `FLAT_LIMIT` (the start row holds one
/// edge per known track) becomes a chunked map, so that copying it on write, as every
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

/// Adds `delta` to a weight, clamped to `0..=MAX_WEIGHT`: how every weight changes.
pub(crate) fn add(w: f64, delta: f64) -> f64 {
    (w + delta).clamp(0.0, MAX_WEIGHT)
}

/// Why [`Row::from_sorted`] refused a pair, and the index of that pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowError {
    /// The target is not above the one before it.
    Order(usize),
    /// The weight is not a finite number from 0 to [`MAX_WEIGHT`].
    Weight(usize),
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
    /// split). Inlined: a pick draws eight edges of a row, almost always a flat one.
    #[inline(always)]
    pub fn nth(&self, i: usize) -> Option<(TrackId, f64)> {
        match &self.0 {
            Repr::Flat { targets, weights } => Some((*targets.get(i)?, *weights.get(i)?)),
            Repr::Chunked(_) => self.nth_in_chunks(i),
        }
    }

    /// [`Row::nth`] for a long row: a walk over its chunks, kept out of line.
    fn nth_in_chunks(&self, mut i: usize) -> Option<(TrackId, f64)> {
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
    /// with weights from 0 to [`MAX_WEIGHT`]; otherwise what is wrong with the first bad pair.
    pub fn from_sorted(pairs: impl IntoIterator<Item = (TrackId, f64)>) -> Result<Self, RowError> {
        let (mut targets, mut weights) = (Vec::new(), Vec::new());
        for (i, (to, w)) in pairs.into_iter().enumerate() {
            if targets.last().is_some_and(|last| *last >= to) {
                return Err(RowError::Order(i));
            }
            if !(0.0..=MAX_WEIGHT).contains(&w) {
                return Err(RowError::Weight(i));
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
                let map =
                    ChunkedMap::from_sorted(targets.iter().copied().zip(weights.iter().copied()));
                self.0 = Repr::Chunked(map);
            }
        }
    }

    /// Adds `delta` to the edge (creating it at 0 first), within `0..=MAX_WEIGHT`.
    /// Returns true when the edge is new.
    pub(crate) fn adjust(&mut self, to: TrackId, delta: f64) -> bool {
        let added = self.update(to, |w| add(w.unwrap_or(0.0), delta));
        if added {
            self.chunk_if_long();
        }
        added
    }

    /// Sets the weights of many edges at once, creating those absent: `updates` in strictly
    /// ascending target order. Returns how many edges are new. Few updates to a long row are
    /// set one by one; many are merged with the row in one pass.
    pub(crate) fn set_sorted(&mut self, updates: &[(TrackId, f64)]) -> usize {
        if updates.len() < 8 || updates.len() < self.len() / 8 {
            let mut added = 0;
            for (to, w) in updates {
                if self.update(*to, |_| *w) {
                    added += 1;
                    self.chunk_if_long();
                }
            }
            return added;
        }
        self.merge_sorted(updates)
    }

    /// Sets the edge to `to` to `weight(its weight)`, or creates it at `weight(None)` when
    /// absent (without chunking the row); true when it is new. One search either way.
    fn update(&mut self, to: TrackId, weight: impl FnOnce(Option<f64>) -> f64) -> bool {
        match &mut self.0 {
            Repr::Flat { targets, weights } => match targets.binary_search(&to) {
                Ok(at) => {
                    if let Some(w) = weights.get_mut(at) {
                        *w = weight(Some(*w));
                    }
                    false
                }
                Err(at) => {
                    targets.insert(at, to);
                    weights.insert(at, weight(None));
                    true
                }
            },
            Repr::Chunked(map) => match map.get_mut(to) {
                Some(w) => {
                    *w = weight(Some(*w));
                    false
                }
                None => {
                    map.insert(to, weight(None));
                    true
                }
            },
        }
    }

    /// [`Row::set_sorted`] in one pass: the row and `updates` merged into a new flat row
    /// (chunked again if long).
    fn merge_sorted(&mut self, updates: &[(TrackId, f64)]) -> usize {
        if self.is_empty() {
            // A new row (a catalogue loaded in bulk): the updates are the row.
            let targets = updates.iter().map(|u| u.0).collect();
            let weights = updates.iter().map(|u| u.1).collect();
            *self = Row(Repr::Flat { targets, weights });
            self.chunk_if_long();
            return updates.len();
        }
        let (mut targets, mut weights) = (
            Vec::with_capacity(self.len() + updates.len()),
            Vec::with_capacity(self.len() + updates.len()),
        );
        let mut added = 0;
        let mut old = self.iter().peekable();
        let mut new = updates.iter().copied().peekable();
        loop {
            let next = match (old.peek().copied(), new.peek().copied()) {
                (None, None) => break,
                (Some(o), Some(n)) if o.0 == n.0 => {
                    old.next();
                    new.next();
                    n
                }
                (Some(o), n) if n.is_none_or(|n| o.0 < n.0) => {
                    old.next();
                    o
                }
                (_, Some(n)) => {
                    new.next();
                    added += 1;
                    n
                }
                (Some(o), None) => {
                    old.next();
                    o
                }
            };
            targets.push(next.0);
            weights.push(next.1);
        }
        drop(old);
        *self = Row(Repr::Flat { targets, weights });
        self.chunk_if_long();
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

    #[test]
    fn set_sorted_agrees_with_one_edge_at_a_time() {
        let mut rng = Rng::new(3);
        for (len, updates) in [
            (0, 3),
            (10, 3),
            (10, 40),
            (1500, 20),
            (1500, 3000),
            (50, 2000),
        ] {
            let mut row = Row::default();
            for _ in 0..len {
                row.adjust(1 + rng.below(4000) as TrackId, 1.0 + rng.below(9) as f64);
            }
            let mut model = row.clone();
            let mut pairs: Vec<(TrackId, f64)> = (0..updates)
                .map(|_| (1 + rng.below(5000) as TrackId, rng.below(50) as f64))
                .collect();
            pairs.sort_unstable_by_key(|p| p.0);
            pairs.dedup_by_key(|p| p.0);
            let mut added = 0;
            for (to, w) in &pairs {
                if model.get(*to).is_none() {
                    added += 1;
                }
                model.remove(*to);
                model.adjust(*to, *w);
            }
            assert_eq!(row.set_sorted(&pairs), added);
            assert_eq!(row, model);
            assert_eq!(row.len(), model.len());
        }
    }

    #[test]
    fn weights_saturate_at_the_cap_and_from_sorted_says_what_is_wrong() {
        let mut row = Row::default();
        for _ in 0..3 {
            row.adjust(1, 6e14);
        }
        assert_eq!(row.get(1), Some(MAX_WEIGHT));
        assert_eq!(
            Row::from_sorted([(1, 1.0), (1, 2.0)]),
            Err(RowError::Order(1))
        );
        assert_eq!(
            Row::from_sorted([(1, 1.0), (2, 2e15)]),
            Err(RowError::Weight(1))
        );
        assert_eq!(Row::from_sorted([(1, f64::NAN)]), Err(RowError::Weight(0)));
        assert_eq!(Row::from_sorted([(1, -1.0)]), Err(RowError::Weight(0)));
    }
}
