//! How many of the best candidates a pick draws among, learned from the answers to the picks.
//!
//! A draw among the best five explores the near-best; among the best three it keeps closer to
//! the single best. Which one serves a listener depends on the listener: with a taste for
//! transitions (a genre jump skipped) the fourth and fifth best are often the wrong context,
//! and the narrower draw skips less; with favourites that settle into loops, the wider draw
//! breaks the loops, and skips less. Neither fixed choice won over the other on the blind
//! listeners (`bench/blind`): the narrower draw cut one kind's skips by a quarter and raised
//! another's by two fifths. So each pick chooses one way as a bandit does (ε-greedy): the
//! way whose recent picks were heard out more, or either at random one pick in
//! [`1 / EXPLORE`](EXPLORE), so that the way behind keeps being measured as the listener
//! changes. (For a while after a change of taste picks draw wide whatever the answers say,
//! and those answers teach neither way: see `choose_way` in the adaptive policy.)

use super::{Answer, Evidence};
use crate::model::Rng;

/// The share of picks that draw their way at random rather than take the one ahead.
const EXPLORE: f64 = 0.1;
/// Each answer first multiplies the way's older answers by this: a way's record is about its
/// last hundred answers, so it follows a listener whose taste changes.
const MEMORY: f64 = 0.99;

/// How many of the best candidates a pick draws among.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Breadth {
    /// The best five (the way a pick draws before any answer).
    #[default]
    Wide,
    /// The best three.
    Narrow,
}

impl Breadth {
    /// How many of the best candidates a pick drawn this way draws among.
    #[inline]
    pub fn drawn(self) -> usize {
        match self {
            Breadth::Wide => 5,
            Breadth::Narrow => 3,
        }
    }

    /// The way that draws among `drawn` candidates, if one does.
    pub fn of_drawn(drawn: u64) -> Option<Self> {
        match drawn {
            5 => Some(Breadth::Wide),
            3 => Some(Breadth::Narrow),
            _ => None,
        }
    }
}

/// The answers to the picks drawn each way, wide then narrow, in plain (not forward-decayed)
/// sums: each answer fades the way's older ones by [`MEMORY`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Breadths([Evidence; 2]);

impl Breadths {
    /// The way the next pick draws: the one ahead, or one at random with chance [`EXPLORE`].
    /// It takes one number from `rng`, two when it draws at random.
    pub fn choose(&self, rng: &mut Rng) -> Breadth {
        if rng.next_f64() < EXPLORE {
            return if rng.below(2) == 0 {
                Breadth::Wide
            } else {
                Breadth::Narrow
            };
        }
        self.ahead()
    }

    /// The way whose picks were heard out more (each way's mean with one answer heard and one
    /// skipped as its prior); the wide one on a tie.
    fn ahead(&self) -> Breadth {
        let [wide, narrow] = self.0;
        if narrow.mean(0.5, 2.0) > wide.mean(0.5, 2.0) {
            Breadth::Narrow
        } else {
            Breadth::Wide
        }
    }

    /// Notes the answer to a pick drawn `way`.
    pub(super) fn answer(&mut self, way: Breadth, answer: Answer) {
        let v = answer.value();
        let e = match way {
            Breadth::Wide => &mut self.0[0],
            Breadth::Narrow => &mut self.0[1],
        };
        *e = e.scaled(MEMORY);
        e.add(v, 1.0 - v);
    }

    /// The answers to each way, wide then narrow.
    pub fn parts(&self) -> [Evidence; 2] {
        self.0
    }

    /// Saved answers, or `None` when one is no sum of answers (negative, not finite, or more
    /// than the most answers [`MEMORY`] lets a way keep).
    pub(super) fn restore(parts: [Evidence; 2]) -> Option<Self> {
        let most = 1.0 / (1.0 - MEMORY) + 1e-9;
        parts
            .iter()
            .all(|e| e.is_finite_non_negative() && e.weight() <= most)
            .then_some(Self(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(wide: &[Answer], narrow: &[Answer]) -> Breadths {
        let mut b = Breadths::default();
        for a in wide {
            b.answer(Breadth::Wide, *a);
        }
        for a in narrow {
            b.answer(Breadth::Narrow, *a);
        }
        b
    }

    /// How many of 10 000 picks draw narrow.
    fn narrow_picks(b: &Breadths, seed: u64) -> usize {
        let mut rng = Rng::new(seed);
        (0..10_000)
            .filter(|_| b.choose(&mut rng) == Breadth::Narrow)
            .count()
    }

    #[test]
    fn the_way_heard_out_more_is_taken_nine_picks_in_ten() {
        let b = answered(&[Answer::Skipped; 6], &[Answer::Heard; 6]);
        // 0.9 + 0.1 / 2 of the picks take the way ahead.
        let narrow = narrow_picks(&b, 3);
        assert!((9_300..9_700).contains(&narrow), "{narrow}");
    }

    #[test]
    fn before_any_answer_picks_draw_wide_but_for_the_random_ones() {
        let narrow = narrow_picks(&Breadths::default(), 5);
        assert!((300..700).contains(&narrow), "{narrow}");
    }

    #[test]
    fn recent_answers_outweigh_old_ones() {
        // Narrow was ahead for 300 answers each; then its picks are skipped and wide's heard.
        let mut b = answered(&[Answer::Partial; 300], &[Answer::Heard; 300]);
        assert_eq!(b.ahead(), Breadth::Narrow);
        for _ in 0..40 {
            b.answer(Breadth::Wide, Answer::Heard);
            b.answer(Breadth::Narrow, Answer::Skipped);
        }
        assert_eq!(b.ahead(), Breadth::Wide);
        let [wide, narrow] = b.parts();
        assert!(wide.weight() <= 100.0 && narrow.weight() <= 100.0);
    }

    #[test]
    fn restore_takes_sums_of_answers_only() {
        let b = answered(&[Answer::Heard; 500], &[Answer::Partial; 3]);
        assert_eq!(Breadths::restore(b.parts()), Some(b));
        let bad = |heard: f64| {
            Breadths::restore([
                Evidence {
                    heard,
                    skipped: 0.0,
                },
                Evidence::default(),
            ])
        };
        assert_eq!(bad(-1.0), None);
        assert_eq!(bad(f64::NAN), None);
        assert_eq!(bad(101.0), None);
    }

    #[test]
    fn drawn_and_back() {
        for way in [Breadth::Wide, Breadth::Narrow] {
            assert_eq!(Breadth::of_drawn(way.drawn() as u64), Some(way));
        }
        assert_eq!(Breadth::of_drawn(4), None);
    }
}
