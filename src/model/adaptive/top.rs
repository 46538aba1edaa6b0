//! The best few candidates of a pick, kept as they are scored: the draw is among them.

use super::DRAWN;
use crate::model::Breadth;

/// The [`DRAWN`] heaviest candidates as (weight, index into the candidates), heaviest first
/// (empty places have no weight): the draw is among the best few, so a long tail of middling
/// candidates cannot add up to a likely pick. Ties go to the earlier candidate.
pub(super) struct Top([(f64, usize); DRAWN]);

impl Top {
    #[inline(always)]
    pub(super) fn new() -> Self {
        Self([(0.0, usize::MAX); DRAWN])
    }

    /// Takes candidate `i` in if it is among the heaviest so far.
    #[inline(always)]
    pub(super) fn offer(&mut self, weight: f64, i: usize) {
        let top = &mut self.0;
        // Most candidates are lighter than the fifth best: one comparison and on.
        if top.last().is_none_or(|t| weight <= t.0) {
            return;
        }
        // It goes before the first lighter entry (after equal ones: ties go to the earlier
        // candidate): lighter entries move down one place, the last one out.
        let mut at = DRAWN - 1;
        while let Some(prev) = top.get(at.wrapping_sub(1)).copied() {
            if prev.0 >= weight {
                break;
            }
            if let Some(t) = top.get_mut(at) {
                *t = prev;
            }
            at -= 1;
        }
        if let Some(t) = top.get_mut(at) {
            *t = (weight, i);
        }
    }

    /// Leaves only the `way.drawn()` heaviest entries a weight.
    #[inline(always)]
    pub(super) fn keep(&mut self, way: Breadth) {
        for t in self.0.iter_mut().skip(way.drawn()) {
            t.0 = 0.0;
        }
    }

    /// The entries, heaviest first.
    pub(super) fn heaviest_first(&self) -> [(f64, usize); DRAWN] {
        self.0
    }

    /// The entries in candidate order (five entries: an insertion sort in place), as the draw
    /// walks them.
    #[inline(always)]
    pub(super) fn in_candidate_order(&mut self) -> &[(f64, usize); DRAWN] {
        let top = &mut self.0;
        for i in 1..DRAWN {
            let mut j = i;
            while let (Some(a), Some(b)) = (top.get(j - 1).copied(), top.get(j).copied()) {
                if a.1 <= b.1 {
                    break;
                }
                if let Some(t) = top.get_mut(j - 1) {
                    *t = b;
                }
                if let Some(t) = top.get_mut(j) {
                    *t = a;
                }
                j -= 1;
                if j == 0 {
                    break;
                }
            }
        }
        &self.0
    }
}
