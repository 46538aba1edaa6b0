//! Draws of a track in proportion to its weight in the start row, for the adaptive policy's
//! exploration: what an app loads there (public play counts, say) is its prior for tracks the
//! listener has not heard.

use std::cell::OnceCell;
use std::rc::Rc;

use super::RuntimeGraph;
use crate::model::{BaseGraph, Rng, TrackId, START};

/// The start row's weights as running totals, with a guide table (Chen and Asau's): a draw
/// reads the guide entry of its share of the total and walks on from there, a step or two on
/// average, where a binary search over 10 000 totals took some 14 dependent reads, most of
/// them cache misses. Built once per build, on its first draw (O(n)); none when the weights
/// are all equal, for then a uniform draw is the same draw without the table.
#[derive(Debug)]
pub(super) struct StartDraw {
    ids: Vec<TrackId>,
    /// `ends[i]`: the sum of the weights of `ids[..=i]`.
    ends: Vec<f64>,
    /// `guide[k]`: the first `i` whose `ends[i]` passes `k / guide.len()` of the total.
    guide: Vec<u32>,
}

/// A build's table, made on first use and shared by the build's clones.
pub(super) type StartDrawCell = OnceCell<Option<Rc<StartDraw>>>;

impl StartDraw {
    /// The table of `base`'s start row; `None` when it has no weight or every weight is equal.
    fn of(base: &BaseGraph) -> Option<Self> {
        let row = base.row(START)?;
        let mut first = None;
        let mut equal = true;
        let (mut ids, mut ends) = (Vec::with_capacity(row.len()), Vec::with_capacity(row.len()));
        let mut total = 0.0;
        for (targets, weights) in row.segments() {
            for (id, w) in targets.iter().zip(weights) {
                equal &= *first.get_or_insert(*w) == *w;
                if *w > 0.0 {
                    total += w;
                    ids.push(*id);
                    ends.push(total);
                }
            }
        }
        if equal || total <= 0.0 {
            return None;
        }
        let m = ends.len();
        let mut guide = Vec::with_capacity(m);
        let mut at = 0;
        for k in 0..m {
            let from = total * k as f64 / m as f64;
            while ends.get(at).is_some_and(|end| *end <= from) {
                at += 1;
            }
            guide.push(u32::try_from(at).ok()?);
        }
        Some(Self { ids, ends, guide })
    }

    /// The first index whose running total passes `r` (as `partition_point` finds it), from
    /// the guide entry of `r`'s share of the total: walked back while the entry before also
    /// passes `r` (a rounding of the share can land one entry late), then on.
    fn index_of(&self, r: f64, total: f64) -> usize {
        let m = self.guide.len();
        let k = ((r / total * m as f64) as usize).min(m.saturating_sub(1));
        let mut at = self.guide.get(k).map_or(0, |g| *g as usize);
        while at > 0 && self.ends.get(at - 1).is_some_and(|end| *end > r) {
            at -= 1;
        }
        while self.ends.get(at).is_some_and(|end| *end <= r) {
            at += 1;
        }
        at
    }

    /// A track drawn with a chance in proportion to its weight.
    fn draw(&self, rng: &mut Rng) -> Option<TrackId> {
        let total = *self.ends.last()?;
        let r = rng.next_f64() * total;
        let at = self.index_of(r, total);
        self.ids.get(at.min(self.ids.len() - 1)).copied()
    }
}

impl RuntimeGraph {
    /// A known track drawn with a chance in proportion to its weight in the start row of the
    /// build's base snapshot (the lessons since the build do not move it), or `None` when those
    /// weights are all equal (draw uniformly then: it is the same draw).
    pub fn draw_by_start_weight(&self, rng: &mut Rng) -> Option<TrackId> {
        let table = self
            .start_draw
            .get_or_init(|| StartDraw::of(&self.base).map(Rc::new));
        table.as_ref()?.draw(rng)
    }
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;

    fn build(weights: impl IntoIterator<Item = (TrackId, f64)>) -> RuntimeGraph {
        let mut base = BaseGraph::new();
        for (id, w) in weights {
            base.reinforce(START, id, w).unwrap();
        }
        RuntimeGraph::new(base, 1, "test", 0.0)
    }

    /// How often each of the ids `1..=n` is drawn in `draws` draws.
    fn counts(b: &RuntimeGraph, n: usize, draws: usize) -> Vec<usize> {
        let mut rng = Rng::new(3);
        let mut seen = vec![0; n + 1];
        for _ in 0..draws {
            let id = b.draw_by_start_weight(&mut rng).unwrap() as usize;
            seen[id] += 1;
        }
        seen
    }

    #[test]
    fn draws_follow_the_start_weights_and_never_a_weightless_track() {
        let b = build([(1, 1.0), (2, 3.0), (3, 0.0), (4, 6.0)]);
        let seen = counts(&b, 4, 40_000);
        assert_eq!(seen[3], 0, "weight 0 is never drawn");
        for (id, share) in [(1, 0.1), (2, 0.3), (4, 0.6)] {
            let got = seen[id] as f64 / 40_000.0;
            assert!((got - share).abs() < 0.01, "track {id}: {got}, not {share}");
        }
    }

    #[test]
    fn the_guide_finds_what_a_binary_search_finds() {
        // Skewed weights (one track holds most of the total), zeros among them, and draws at
        // the edges of every running total.
        let weights = (1..=3_000).map(|id| {
            let w = match id % 7 {
                0 => 0.0,
                1 => 1e6,
                _ => f64::from(id % 13) + 0.5,
            };
            (id, w)
        });
        let b = build(weights);
        let table = StartDraw::of(b.base()).unwrap();
        let total = *table.ends.last().unwrap();
        let mut rng = Rng::new(11);
        let mut rs: Vec<f64> = (0..20_000).map(|_| rng.next_f64() * total).collect();
        for end in &table.ends {
            rs.extend(
                [*end, end.next_down(), end.next_up()]
                    .into_iter()
                    .filter(|r| *r < total),
            );
        }
        rs.push(0.0);
        for r in rs {
            let want = table.ends.partition_point(|end| *end <= r);
            assert_eq!(table.index_of(r, total), want, "r = {r}");
        }
    }

    #[test]
    fn equal_weights_leave_the_draw_to_a_uniform_one() {
        let b = build((1..=50).map(|id| (id, 2.0)));
        assert_eq!(b.draw_by_start_weight(&mut Rng::new(1)), None);
        assert_eq!(build([]).draw_by_start_weight(&mut Rng::new(1)), None);
    }

    #[test]
    fn a_long_chunked_start_row_is_drawn_by_weight() {
        // Weight = id over 5 000 tracks: the upper half of the ids holds 3/4 of the weight.
        let b = build((1..=5_000).map(|id| (id, f64::from(id))));
        let seen = counts(&b, 5_000, 20_000);
        let upper: usize = seen[2_501..].iter().sum();
        let share = upper as f64 / 20_000.0;
        assert!((share - 0.75).abs() < 0.02, "{share}");
    }

    #[test]
    fn a_forgotten_track_is_no_longer_drawn() {
        let mut b = build([(1, 1.0), (2, 1_000.0)]);
        assert_eq!(b.draw_by_start_weight(&mut Rng::new(5)), Some(2));
        assert!(b.forget(2));
        // One track left: every weight is equal, and a uniform draw takes over.
        assert_eq!(b.draw_by_start_weight(&mut Rng::new(5)), None);
        let mut b = build([(1, 1.0), (2, 1_000.0), (3, 2.0)]);
        counts(&b, 3, 10);
        assert!(b.forget(2));
        assert_eq!(counts(&b, 3, 3_000)[2], 0);
    }
}
