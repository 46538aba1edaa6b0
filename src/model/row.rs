use super::TrackId;

/// The weights out of one track, kept sorted by target so lookups are binary searches and
/// iteration is in id order.
///
/// Targets and weights live in two parallel vectors (12 bytes an edge, no padding).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    targets: Vec<TrackId>,
    weights: Vec<f64>,
}

impl Row {
    /// The weight of the edge to `to`, if the edge exists (it may exist at weight 0).
    pub fn get(&self, to: TrackId) -> Option<f64> {
        let at = self.targets.binary_search(&to).ok()?;
        self.weights.get(at).copied()
    }

    /// The targets (ascending) and their weights, side by side.
    pub fn parts(&self) -> (&[TrackId], &[f64]) {
        (&self.targets, &self.weights)
    }

    /// Edges in target order.
    pub fn iter(&self) -> impl Iterator<Item = (TrackId, f64)> + '_ {
        self.targets
            .iter()
            .copied()
            .zip(self.weights.iter().copied())
    }

    /// The number of edges, zero-weight ones included.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// A row from `(target, weight)` pairs, which must be in strictly ascending target order
    /// with finite, non-negative weights; otherwise the index of the first bad pair.
    pub fn from_sorted(pairs: impl IntoIterator<Item = (TrackId, f64)>) -> Result<Self, usize> {
        let mut row = Row::default();
        for (i, (to, w)) in pairs.into_iter().enumerate() {
            let ascending = row.targets.last().is_none_or(|last| *last < to);
            if !(ascending && w.is_finite() && w >= 0.0) {
                return Err(i);
            }
            row.targets.push(to);
            row.weights.push(w);
        }
        Ok(row)
    }

    /// Adds `delta` to the edge (creating it at 0 first), never going below 0.
    /// Returns true when the edge is new.
    pub(crate) fn adjust(&mut self, to: TrackId, delta: f64) -> bool {
        match self.targets.binary_search(&to) {
            Ok(at) => {
                if let Some(w) = self.weights.get_mut(at) {
                    *w = (*w + delta).max(0.0);
                }
                false
            }
            Err(at) => {
                self.targets.insert(at, to);
                self.weights.insert(at, delta.max(0.0));
                true
            }
        }
    }

    /// Removes the edge to `to`; true when there was one.
    pub(crate) fn remove(&mut self, to: TrackId) -> bool {
        match self.targets.binary_search(&to) {
            Ok(at) => {
                self.targets.remove(at);
                self.weights.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    pub(crate) fn contains(&self, to: TrackId) -> bool {
        self.targets.binary_search(&to).is_ok()
    }
}
