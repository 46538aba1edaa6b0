//! A build's edges as a pick reads them: the base row merged with what was learned.

use super::RuntimeGraph;
use crate::model::{Row, TrackId};

/// One edge as a build sees it: the base weight and what was learned on top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeView {
    pub to: TrackId,
    pub base: f64,
    pub bonus: f64,
    pub penalty: f64,
    pub cooldown: u32,
}

impl EdgeView {
    /// `max(0, base + bonus - penalty - cooldown)`: a fine larger than the weight clamps it to 0.
    pub fn fined(&self) -> f64 {
        (self.base + self.bonus - self.penalty - f64::from(self.cooldown)).max(0.0)
    }
}

impl RuntimeGraph {
    /// Calls `f` for every edge out of `from`, in target order: the base row merged with what
    /// was learned. Zero-weight edges are included; [`EdgeView::fined`] tells their weight.
    pub fn for_each_edge(&self, from: TrackId, mut f: impl FnMut(EdgeView)) {
        let row = self.base.row(from);
        let mut learned = self.learned_row(from).peekable();
        let plain = |to, base| EdgeView {
            to,
            base,
            bonus: 0.0,
            penalty: 0.0,
            cooldown: 0,
        };
        // The hot path of every pick: most rows have learned nothing since the build.
        if learned.peek().is_none() {
            for (targets, weights) in row.into_iter().flat_map(Row::segments) {
                for (to, w) in targets.iter().zip(weights) {
                    f(plain(*to, *w));
                }
            }
            return;
        }
        let mut base = row.into_iter().flat_map(Row::iter).peekable();
        loop {
            let (b, l) = (base.peek().copied(), learned.peek().copied());
            let view = match (b, l) {
                (None, None) => break,
                (Some((to, w)), l) if l.is_none_or(|l| to < l.to) => {
                    base.next();
                    plain(to, w)
                }
                (b, Some(l)) => {
                    learned.next();
                    let w = match b {
                        Some((to, w)) if to == l.to => {
                            base.next();
                            w
                        }
                        _ => 0.0,
                    };
                    EdgeView {
                        to: l.to,
                        base: w,
                        bonus: l.bonus,
                        penalty: l.penalty,
                        cooldown: l.cooldown,
                    }
                }
                (Some(_), None) => break,
            };
            f(view);
        }
    }

    /// Every edge out of `from`, as [`RuntimeGraph::for_each_edge`] gives them, collected: for
    /// the cold paths (explanations), so that only the hot ones get their own copy of the loop.
    pub fn edges(&self, from: TrackId) -> Vec<EdgeView> {
        let mut out = Vec::new();
        self.for_each_edge(from, |e| out.push(e));
        out
    }

    /// The fined weights out of `from`, normalised, in target order; zero-weight edges are
    /// left out, so the result is empty when every fined weight is 0.
    pub fn probabilities(&self, from: TrackId) -> Vec<(TrackId, f64)> {
        let mut out = Vec::new();
        let mut total = 0.0;
        self.for_each_edge(from, |e| {
            let w = e.fined();
            if w > 0.0 {
                total += w;
                out.push((e.to, w));
            }
        });
        for (_, w) in &mut out {
            *w /= total;
        }
        out
    }
}
