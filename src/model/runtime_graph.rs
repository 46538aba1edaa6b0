use super::error::check_edge;
use super::{BaseGraph, ModelError, Row, TrackId, START};

/// What one build learned about one edge since it was built.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Learned {
    pub to: TrackId,
    pub bonus: f64,
    pub penalty: f64,
    /// Plays left before the edge's cooldown is gone; it fines the weight by this many units.
    pub cooldown: u32,
}

impl Learned {
    fn is_empty(&self) -> bool {
        self.bonus == 0.0 && self.penalty == 0.0 && self.cooldown == 0
    }
}

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

/// One build of the short-term view: a snapshot of the base weights plus the bonuses, penalties
/// and cooldowns learned since the build.
///
/// Lessons are mirrored onto the start row exactly as [`BaseGraph::reinforce`] does, so a
/// rebuild folds them edge by edge: every base weight becomes `max(0, w + bonus - penalty)`.
#[derive(Clone, Debug)]
pub struct RuntimeGraph {
    base: BaseGraph,
    /// Per source (sorted by source), each row sorted by target. Small: it holds only what
    /// was learned since the build, so sorted vectors beat a tree (and weigh less in the wasm).
    learned: Vec<(TrackId, Vec<Learned>)>,
    build_version: u64,
    build_reason: String,
    built_at: f64,
    diffs: u64,
}

impl RuntimeGraph {
    /// A build of `base` (an O(1) snapshot) with nothing learned yet.
    pub fn new(base: BaseGraph, build_version: u64, build_reason: &str, built_at: f64) -> Self {
        Self {
            base,
            learned: Vec::new(),
            build_version,
            build_reason: build_reason.to_owned(),
            built_at,
            diffs: 0,
        }
    }

    pub fn build_version(&self) -> u64 {
        self.build_version
    }

    pub fn build_reason(&self) -> &str {
        &self.build_reason
    }

    /// Clock milliseconds when the build was made.
    pub fn built_at(&self) -> f64 {
        self.built_at
    }

    /// Learning mutations since the build.
    pub fn diffs(&self) -> u64 {
        self.diffs
    }

    /// The base snapshot this build was made from.
    pub fn base(&self) -> &BaseGraph {
        &self.base
    }

    /// A bonus of `amount` on `from -> to` (and `0 -> to`); one diff.
    pub fn reinforce(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        self.mirror(from, to, |l| l.bonus += amount);
        self.diffs += 1;
        Ok(())
    }

    /// A penalty of `amount` on `from -> to` (and `0 -> to`); one diff.
    pub fn penalty(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        self.mirror(from, to, |l| l.penalty += amount);
        self.diffs += 1;
        Ok(())
    }

    /// Raises the cooldown of the one edge `from -> to` to at least `plays`. Not a diff: a
    /// cooldown is never folded into the base; it wears off.
    pub fn add_cooldown(
        &mut self,
        from: TrackId,
        to: TrackId,
        plays: u32,
    ) -> Result<(), ModelError> {
        check_edge(to, 0.0)?;
        if let Some(l) = self.entry(from, to) {
            l.cooldown = l.cooldown.max(plays);
        }
        Ok(())
    }

    fn mirror(&mut self, from: TrackId, to: TrackId, change: impl Fn(&mut Learned)) {
        if let Some(l) = self.entry(from, to) {
            change(l);
        }
        if from != START {
            if let Some(l) = self.entry(START, to) {
                change(l);
            }
        }
    }

    /// The learned entry of one edge, created empty when absent (always `Some`).
    fn entry(&mut self, from: TrackId, to: TrackId) -> Option<&mut Learned> {
        let new_entry = self.learned_edge(from, to).is_none();
        if new_entry {
            // A track taught since the build becomes known to this build's own base snapshot
            // (the live base learns it at the next rebuild). Only a new entry can bring a new
            // track, so a repeated lesson skips these lookups.
            for id in [from, to] {
                if id != START {
                    self.base.note_track(id);
                }
            }
        }
        let row = self.learned_row_mut(from)?;
        let at = match row.binary_search_by_key(&to, |l| l.to) {
            Ok(at) => at,
            Err(at) => {
                row.insert(
                    at,
                    Learned {
                        to,
                        ..Learned::default()
                    },
                );
                at
            }
        };
        row.get_mut(at)
    }

    /// The learned row of `from`, created empty when absent (always `Some`).
    fn learned_row_mut(&mut self, from: TrackId) -> Option<&mut Vec<Learned>> {
        let at = match self.learned.binary_search_by_key(&from, |(f, _)| *f) {
            Ok(at) => at,
            Err(at) => {
                self.learned.insert(at, (from, Vec::new()));
                at
            }
        };
        self.learned.get_mut(at).map(|(_, row)| row)
    }

    fn learned_row(&self, from: TrackId) -> Option<&[Learned]> {
        let at = self.learned.binary_search_by_key(&from, |(f, _)| *f).ok()?;
        self.learned.get(at).map(|(_, row)| row.as_slice())
    }

    /// Every cooldown loses `steps` plays; at 0 it is gone.
    pub fn reduce_cooldowns(&mut self, steps: u32) {
        if steps == 0 {
            return;
        }
        for (_, row) in &mut self.learned {
            for l in row.iter_mut() {
                l.cooldown = l.cooldown.saturating_sub(steps);
            }
            row.retain(|l| !l.is_empty());
        }
        self.learned.retain(|(_, row)| !row.is_empty());
    }

    /// What this build learned, per source in id order.
    pub fn learned(&self) -> impl Iterator<Item = (TrackId, &[Learned])> + '_ {
        self.learned
            .iter()
            .map(|(from, row)| (*from, row.as_slice()))
    }

    /// True when this build learned something on a row of `from` (a bonus, penalty or cooldown).
    pub fn learned_since_build(&self, from: TrackId) -> bool {
        self.learned_row(from).is_some()
    }

    /// What was learned on one edge, if anything.
    pub fn learned_edge(&self, from: TrackId, to: TrackId) -> Option<&Learned> {
        let row = self.learned_row(from)?;
        row.binary_search_by_key(&to, |l| l.to)
            .ok()
            .and_then(|at| row.get(at))
    }

    /// Calls `f` for every edge out of `from`, in target order: the base row merged with what
    /// was learned. Zero-weight edges are included; [`EdgeView::fined`] tells their weight.
    pub fn for_each_edge(&self, from: TrackId, mut f: impl FnMut(EdgeView)) {
        let row = self.base.row(from);
        let learned = self.learned_row(from).unwrap_or_default();
        let plain = |to, base| EdgeView {
            to,
            base,
            bonus: 0.0,
            penalty: 0.0,
            cooldown: 0,
        };
        // The hot path of every pick: most rows have learned nothing since the build.
        if learned.is_empty() {
            for (targets, weights) in row.into_iter().flat_map(Row::segments) {
                for (to, w) in targets.iter().zip(weights) {
                    f(plain(*to, *w));
                }
            }
            return;
        }
        let mut base = row.into_iter().flat_map(Row::iter).peekable();
        let mut learned = learned.iter().peekable();
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

    /// A build restored from saved parts (see [`crate::engine::Snapshot`]): `learned` must be
    /// sorted by source, each row by target.
    pub fn restore(
        base: BaseGraph,
        build_version: u64,
        build_reason: &str,
        built_at: f64,
        diffs: u64,
        learned: Vec<(TrackId, Vec<Learned>)>,
    ) -> Self {
        let mut build = Self::new(base, build_version, build_reason, built_at);
        build.learned = learned;
        build.diffs = diffs;
        build
    }

    /// True when the track is known to this build.
    pub fn contains(&self, id: TrackId) -> bool {
        self.base.contains(id)
    }

    /// Every track known to this build, ascending.
    pub fn ids(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.base.ids()
    }

    /// Folds this build's bonuses and penalties into `base`, edge by edge:
    /// `w = max(0, w + bonus - penalty)`. Edges that only carry a cooldown are created at
    /// weight 0 when absent, so every track the build knew stays known.
    pub fn fold_into(&self, base: &mut BaseGraph) {
        for (from, row) in &self.learned {
            for l in row {
                base.adjust_edge(*from, l.to, l.bonus - l.penalty);
            }
        }
    }

    /// A new build of `base`, carrying over this build's still-active cooldowns.
    pub fn rebuild(
        &self,
        base: BaseGraph,
        build_version: u64,
        build_reason: &str,
        built_at: f64,
    ) -> Self {
        let mut next = Self::new(base, build_version, build_reason, built_at);
        for (from, row) in &self.learned {
            let carried: Vec<Learned> = row
                .iter()
                .filter(|l| l.cooldown > 0)
                .map(|l| Learned {
                    to: l.to,
                    bonus: 0.0,
                    penalty: 0.0,
                    cooldown: l.cooldown,
                })
                .collect();
            if !carried.is_empty() {
                next.learned.push((*from, carried));
            }
        }
        next
    }

    /// Removes a track from this build: from its base snapshot (as source and target), from
    /// what was learned, and from its cooldowns.
    ///
    /// The start node is not a track: forgetting it is refused, since wiping its row would
    /// drop the lessons mirrored there and the next rebuild would lose them.
    pub fn forget(&mut self, id: TrackId) -> bool {
        if id == START {
            return false;
        }
        let known = self.base.forget(id);
        self.learned.retain(|(from, _)| *from != id);
        for (_, row) in &mut self.learned {
            row.retain(|l| l.to != id);
        }
        self.learned.retain(|(_, row)| !row.is_empty());
        known
    }
}
