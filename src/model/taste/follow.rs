//! Whether the playing track's row leads where this listener goes next, learned per answer to
//! that track.
//!
//! A pick prefers the edges of the playing track's row by their share of it (the app's links,
//! and the transitions the base graph learned). Whether those edges lead to what the listener
//! hears out depends on the listener, and on how they answered the track the row is of. A
//! listener who skips a jump between genres is served by the row after a skip too: it stays
//! in the genre. One whose taste drifts, or who skips tracks like the one just skipped, is
//! led by the row back to more of what they skip. So the answers to picks are kept per
//! answer to the track they followed, on its row and off it, and a pick heeds the row's share
//! only as far as the picks on the row fared at least as well as those off it. The sums fade
//! with the memory, and a change of taste fades them as it fades the answers about tracks:
//! where the rows lead is learned again with the new favourites.

use super::{Answer, Evidence};
use crate::model::num::{at_least, at_most};

/// The weight of each side's prior, in answers: both start at the mean of all the answers of
/// their kind, so a kind with few answers heeds the row fully.
const PRIOR_WEIGHT: f64 = 2.0;
/// How much worse the picks on the row must fare than those off it for the row to be ignored
/// (the heed falls linearly from 1, at no difference, to 0 here).
const SPAN: f64 = 0.1;

/// Per answer to the followed track ([`Answer::index`]), the answers to the picks on its row
/// and off it (at `2 * index` and `2 * index + 1`), in the units of forward decay (see the
/// module `taste`). Flat, and read by loops: nested arrays mapped cost the size-optimised wasm
/// a copy per level.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Follow([Evidence; 6]);

impl Follow {
    /// Notes the answer `v`, weighing `weight`, to a pick after a track answered `source`,
    /// `along` when the pick was an edge of that track's row.
    pub(super) fn add(&mut self, source: Answer, along: bool, v: f64, weight: f64) {
        let at = 2 * source.index() + usize::from(!along);
        if let Some(e) = self.0.get_mut(at) {
            e.add_answer(v, weight);
        }
    }

    /// How far a pick after a track answered `source` heeds its row's share, from 0 to 1,
    /// with `now` the factor that reads a stored sum as of now.
    pub(super) fn heed(&self, source: Answer, now: f64) -> f64 {
        let at = 2 * source.index();
        let (Some(along), Some(off)) = (self.0.get(at), self.0.get(at + 1)) else {
            return 1.0;
        };
        let (along, off) = (along.scaled(now), off.scaled(now));
        let all = along.weight() + off.weight();
        let prior = if all > 0.0 {
            (along.heard + off.heard) / all
        } else {
            0.5
        };
        let worse = off.mean(prior, PRIOR_WEIGHT) - along.mean(prior, PRIOR_WEIGHT);
        // Not `f64::clamp`, whose assertion would bring the formatting of floats to the wasm.
        at_least(at_most(1.0 - worse / SPAN, 1.0), 0.0)
    }

    /// Every sum multiplied by `by`.
    pub(super) fn scale(&mut self, by: f64) {
        for e in &mut self.0 {
            *e = e.scaled(by);
        }
    }

    /// The sums, in stored units: on the row then off it, after a track heard out, partly
    /// heard, then skipped.
    pub(super) fn parts(&self) -> [Evidence; 6] {
        self.0
    }

    /// The sums from [`Follow::parts`], or `None` when one is negative or not finite.
    pub(super) fn restore(parts: [Evidence; 6]) -> Option<Self> {
        for e in &parts {
            if !e.is_finite_non_negative() {
                return None;
            }
        }
        Some(Self(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_answers_every_row_is_heeded() {
        let follow = Follow::default();
        for a in [Answer::Heard, Answer::Partial, Answer::Skipped] {
            assert_eq!(follow.heed(a, 1.0), 1.0);
        }
    }

    #[test]
    fn a_row_that_leads_to_skips_after_a_skip_is_ignored_after_a_skip_only() {
        let mut follow = Follow::default();
        for _ in 0..20 {
            // After a skip: the row's picks skipped, the others heard out.
            follow.add(Answer::Skipped, true, 0.0, 1.0);
            follow.add(Answer::Skipped, false, 1.0, 1.0);
            // After a listen: the row's picks heard out as often as the others.
            follow.add(Answer::Heard, true, 1.0, 1.0);
            follow.add(Answer::Heard, false, 1.0, 1.0);
        }
        assert_eq!(follow.heed(Answer::Skipped, 1.0), 0.0);
        assert_eq!(follow.heed(Answer::Heard, 1.0), 1.0);
        assert_eq!(follow.heed(Answer::Partial, 1.0), 1.0);
    }

    #[test]
    fn the_heed_falls_with_how_much_worse_the_row_fares() {
        let mut follow = Follow::default();
        // 100 answers a side: on the row heard out 0.75 of the time, off it 0.80.
        for i in 0..100 {
            follow.add(Answer::Heard, true, if i % 4 == 0 { 0.0 } else { 1.0 }, 1.0);
            follow.add(
                Answer::Heard,
                false,
                if i % 5 == 0 { 0.0 } else { 1.0 },
                1.0,
            );
        }
        let heed = follow.heed(Answer::Heard, 1.0);
        assert!((0.4..0.6).contains(&heed), "heed {heed}");
        // Read later, with every sum faded alike, the means and so the heed barely move.
        let later = follow.heed(Answer::Heard, 0.5);
        assert!((later - heed).abs() < 0.02, "{later} against {heed}");
        // A row that fares better than the rest is heeded fully, not more.
        let mut better = Follow::default();
        better.add(Answer::Heard, true, 1.0, 10.0);
        better.add(Answer::Heard, false, 0.0, 10.0);
        assert_eq!(better.heed(Answer::Heard, 1.0), 1.0);
    }

    #[test]
    fn parts_round_trip_and_malformed_ones_are_refused() {
        let mut follow = Follow::default();
        follow.add(Answer::Partial, false, 0.5, 2.0);
        follow.add(Answer::Skipped, true, 0.0, 3.0);
        assert_eq!(Follow::restore(follow.parts()), Some(follow));
        let mut bad = follow.parts();
        bad[1].heard = -1.0;
        assert_eq!(Follow::restore(bad), None);
        bad[1].heard = f64::NAN;
        assert_eq!(Follow::restore(bad), None);
    }
}
