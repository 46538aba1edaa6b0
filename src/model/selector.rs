use super::{Rng, TrackId};

/// A track the selector may pick, with its (positive) fined weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub id: TrackId,
    pub weight: f64,
}

/// How the selector trades variety against preference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectorConfig {
    /// Above this Gini impurity the choice is uniform among the `top_k` most probable.
    pub gini_threshold: f64,
    pub top_k: usize,
}

impl Default for SelectorConfig {
    fn default() -> Self {
        Self {
            gini_threshold: 0.5,
            top_k: 10,
        }
    }
}

/// Gini impurity `1 - sum(p^2)` of weights (normalised here): 0 when one candidate holds all the
/// weight, close to 1 when many share it evenly.
pub fn gini(weights: impl Iterator<Item = f64>) -> f64 {
    // sum(p^2) = sum(w^2) / total^2: one pass and one division.
    let (total, squares) = weights.fold((0.0, 0.0), |(t, q), w| (t + w, q + w * w));
    if total <= 0.0 {
        return 0.0;
    }
    1.0 - squares / (total * total)
}

/// Moves the `k` heaviest candidates with a positive weight (heaviest first, ties by lower id)
/// to the front of the slice, in order, and returns them. One pass keeping a small sorted prefix: O(n) for the
/// usual small `k`, never a sort of a whole large row, and far less code than a general sort.
pub(crate) fn heaviest(candidates: &mut [Candidate], k: usize) -> &[Candidate] {
    // `a` comes before `b`: heavier, or as heavy with a lower id. Weights are finite.
    let before =
        |a: &Candidate, b: &Candidate| a.weight > b.weight || (a.weight == b.weight && a.id < b.id);
    let k = k.min(candidates.len());
    let mut kept: usize = 0;
    for i in 0..candidates.len() {
        let Some(&c) = candidates.get(i) else { break };
        if c.weight <= 0.0 {
            // Held back (or weightless): never among the heaviest.
            continue;
        }
        let slot = if kept < k {
            kept += 1;
            kept - 1
        } else if candidates
            .get(kept - 1)
            .is_some_and(|last| before(&c, last))
        {
            kept - 1
        } else {
            // The usual case once the prefix is full: one comparison and on.
            continue;
        };
        // Shift the lighter kept ones down one place and put `c` where it belongs; the one
        // pushed out of the prefix takes `c`'s old place, so the slice stays a permutation.
        let evicted = candidates.get(slot).copied();
        let mut at = slot;
        while at > 0 {
            match candidates.get(at - 1) {
                Some(prev) if before(&c, prev) => {
                    let prev = *prev;
                    if let Some(here) = candidates.get_mut(at) {
                        *here = prev;
                    }
                    at -= 1;
                }
                _ => break,
            }
        }
        if let Some(here) = candidates.get_mut(at) {
            *here = c;
        }
        if let (Some(evicted), Some(old)) = (evicted.filter(|_| slot != i), candidates.get_mut(i)) {
            *old = evicted;
        }
    }
    candidates.get(..kept).unwrap_or_default()
}

/// Picks one candidate. A spread-out distribution (Gini above the threshold) picks uniformly
/// among the `top_k` heaviest, so a long tail of weak edges cannot dominate; a peaked one picks
/// at random weighted by probability. Candidates must be in a defined order (the callers give
/// target order) and have positive weights; ties among the heaviest break by lower id.
///
/// Candidates whose weight is not positive (held back by the caller) are skipped. The slice is
/// reordered in place.
pub fn select(
    candidates: &mut [Candidate],
    config: SelectorConfig,
    rng: &mut Rng,
) -> Option<TrackId> {
    // One pass for both sums: sum(p^2) = sum(w^2) / total^2.
    let (total, squares) = candidates
        .iter()
        .filter(|c| c.weight > 0.0)
        .fold((0.0, 0.0), |(t, q), c| {
            (t + c.weight, q + c.weight * c.weight)
        });
    if total <= 0.0 {
        return None;
    }
    if 1.0 - squares / (total * total) > config.gini_threshold {
        let top = heaviest(candidates, config.top_k.max(1));
        return top.get(rng.below(top.len())).map(|c| c.id);
    }
    let mut r = rng.next_f64() * total;
    let mut last = None;
    for c in candidates.iter().filter(|c| c.weight > 0.0) {
        if r < c.weight {
            return Some(c.id);
        }
        r -= c.weight;
        last = Some(c.id);
    }
    // Rounding can leave `r` a hair above the last weight: the last candidate takes it.
    last
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::*;

    /// The order `heaviest` implements, for checking it against a full sort.
    fn heaviest_first(a: &Candidate, b: &Candidate) -> Ordering {
        b.weight
            .partial_cmp(&a.weight)
            .unwrap_or(Ordering::Equal)
            .then(a.id.cmp(&b.id))
    }

    #[test]
    fn heaviest_matches_a_full_sort() {
        let mut rng = Rng::new(4);
        for n in 0..60 {
            let all: Vec<Candidate> = (0..n)
                .map(|i| Candidate {
                    id: i,
                    weight: f64::from(rng.below(5) as u32) + 0.5,
                })
                .collect();
            for k in [1, 3, 10, 100] {
                let mut sorted = all.clone();
                sorted.sort_by(heaviest_first);
                sorted.truncate(k);
                let mut work = all.clone();
                assert_eq!(heaviest(&mut work, k), sorted.as_slice());
            }
        }
    }
}
