//! A build: a snapshot of the base graph and what was learned on it since (`edges.rs` reads
//! its edges).

use super::base_graph::Growth;
use super::error::{check_edge, check_target};
use super::{at_most, sort_pairs, BaseGraph, ModelError, TrackId, MAX_WEIGHT, START};

mod edges;
mod lessons;
mod start_draw;

pub use edges::EdgeView;
use lessons::{key, source, Lessons};
use start_draw::StartDrawCell;

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
    #[inline(always)]
    fn is_empty(&self) -> bool {
        self.bonus == 0.0 && self.penalty == 0.0 && self.cooldown == 0
    }

    /// Entries the next cooldown step must look at: those cooling down, and empty ones (a
    /// lesson of 0), which it removes. (Inlined: every lesson asks it twice.)
    #[inline(always)]
    fn watched(&self) -> bool {
        self.cooldown > 0 || self.is_empty()
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
    /// What was learned since the build, edge by edge, keyed by [`key`]: a lesson costs O(1),
    /// or O(log n) on a new edge, with no allocation per source, however many pile up in one
    /// build (the managers stopped, or a history imported), the start row's mirrors included.
    /// A source's lessons read as one run, in target order, as a pick reads them.
    learned: Lessons,
    /// `(source, target)` of the entries a cooldown step must visit (see
    /// [`Learned::watched`]), so that a step costs what is cooling down, not everything
    /// learned. May hold entries since removed, and repeats.
    watched: Vec<(TrackId, u64)>,
    /// What folding this build into the graph it was built from would add at most.
    grown: Growth,
    /// The start row as a table of weighted draws, made on first use; forgetting clears it.
    start_draw: StartDrawCell,
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
            learned: Lessons::default(),
            watched: Vec::new(),
            grown: Growth::default(),
            start_draw: StartDrawCell::new(),
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

    /// A bonus of `amount` on `from -> to` (and `0 -> to`); one diff. Bonuses saturate at
    /// [`MAX_WEIGHT`].
    pub fn reinforce(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        self.mirror(from, to, &|l| {
            l.bonus = at_most(l.bonus + amount, MAX_WEIGHT)
        });
        self.diffs += 1;
        Ok(())
    }

    /// A penalty of `amount` on `from -> to` (and `0 -> to`); one diff. Penalties saturate at
    /// [`MAX_WEIGHT`].
    pub fn penalty(&mut self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        self.penalty_and_cooldown(from, to, amount, 0)
    }

    /// [`RuntimeGraph::penalty`] and [`RuntimeGraph::add_cooldown`] of `plays` at once, as a
    /// skip or a partial listen teaches them: the edge is looked up once for both.
    pub fn penalty_and_cooldown(
        &mut self,
        from: TrackId,
        to: TrackId,
        amount: f64,
        plays: u32,
    ) -> Result<(), ModelError> {
        check_edge(to, amount)?;
        let penalty = |l: &mut Learned| l.penalty = at_most(l.penalty + amount, MAX_WEIGHT);
        self.change(from, to, &|l| {
            penalty(l);
            l.cooldown = l.cooldown.max(plays);
        });
        if from != START {
            self.change(START, to, &penalty);
        }
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
        check_target(to)?;
        self.change(from, to, &|l| l.cooldown = l.cooldown.max(plays));
        Ok(())
    }

    fn mirror(&mut self, from: TrackId, to: TrackId, change: &dyn Fn(&mut Learned)) {
        self.change(from, to, change);
        if from != START {
            self.change(START, to, change);
        }
    }

    /// Changes the learned entry of one edge, created empty when absent. (A `dyn` change: one
    /// copy of this in the wasm.) One hash lookup whether the edge was learned or not.
    fn change(&mut self, from: TrackId, to: TrackId, change: &dyn Fn(&mut Learned)) {
        let empty = || Learned {
            to,
            ..Learned::default()
        };
        let Some((l, new)) = self.learned.upsert(key(from, to), empty) else {
            return;
        };
        // A new entry is empty, so watched, but not listed yet.
        let was_watched = !new && l.watched();
        change(l);
        if l.watched() && !was_watched {
            self.watched.push((from, u64::from(to)));
        }
        // A track taught since the build becomes known to this build's own base snapshot (the
        // live base learns it at the next rebuild). Only a new entry can bring a new track or
        // a new edge, and an edge the base has brings neither (its ends are known): so the
        // common lessons, on edges the base has, look the base up once.
        if new && self.base.row(from).and_then(|r| r.get(to)).is_none() {
            self.grown.edges += 1;
            for id in [from, to] {
                if id != START && self.base.note_track(id) {
                    self.grown.tracks += 1;
                }
            }
        }
    }

    /// What one lesson on `from -> to` would add to `live` (the graph this build folds into)
    /// beyond what this build already adds: its new edges exactly, and as new tracks those
    /// `live` does not know (one taught earlier in this build counts again: at most two more).
    pub fn growth_over(&self, live: &BaseGraph, from: TrackId, to: TrackId) -> Growth {
        let mut g = Growth::default();
        let new_track = |id: TrackId| id != START && !live.contains(id);
        g.tracks += usize::from(new_track(from)) + usize::from(from != to && new_track(to));
        let new_edge = |from: TrackId| {
            self.learned_edge(from, to).is_none()
                && live.row(from).and_then(|r| r.get(to)).is_none()
        };
        g.edges += usize::from(new_edge(from));
        if from != START {
            g.edges += usize::from(new_edge(START));
        }
        g
    }

    /// At most what folding this build into the live graph would add: tracks taught since the
    /// build, and edges learned that its base does not have (counted as they are learned, so
    /// more than the truth when the live graph gained them since the build:
    /// [`RuntimeGraph::recount_growth`] makes it exact).
    pub fn grown(&self) -> Growth {
        self.grown
    }

    /// Sets [`RuntimeGraph::grown`] to exactly what folding into `live` would add: after a
    /// restore, and near the limits. O(what was learned).
    pub fn recount_growth(&mut self, live: &BaseGraph) {
        let mut tracks: Vec<(TrackId, u64)> = Vec::new();
        let mut edges = 0;
        for (k, l) in self.learned.iter() {
            let from = source(k);
            for id in [from, l.to] {
                if id != START && !live.contains(id) {
                    tracks.push((id, 0));
                }
            }
            edges += usize::from(live.row(from).and_then(|r| r.get(l.to)).is_none());
        }
        sort_pairs(&mut tracks);
        tracks.dedup();
        self.grown = Growth {
            tracks: tracks.len(),
            edges,
        };
    }

    /// What was learned out of `from`, in target order.
    fn learned_row(&self, from: TrackId) -> impl Iterator<Item = &Learned> + '_ {
        self.learned
            .iter_from(key(from, 0))
            .take_while(move |(k, _)| source(*k) == from)
            .map(|(_, l)| l)
    }

    /// Every cooldown loses `steps` plays; at 0 it is gone. Costs what is cooling down.
    pub fn reduce_cooldowns(&mut self, steps: u32) {
        if steps == 0 || self.watched.is_empty() {
            return;
        }
        let mut watched = std::mem::take(&mut self.watched);
        sort_pairs(&mut watched);
        watched.dedup();
        watched.retain(|(from, to)| {
            let edge = key(*from, *to as TrackId);
            let Some(l) = self.learned.get_mut(edge) else {
                return false;
            };
            l.cooldown = l.cooldown.saturating_sub(steps);
            let keep = l.cooldown > 0;
            if l.is_empty() {
                self.learned.remove(edge);
            }
            keep
        });
        self.watched = watched;
    }

    /// What this build learned, per source in id order, each row in target order.
    pub fn learned(&self) -> impl Iterator<Item = (TrackId, Vec<Learned>)> + '_ {
        let mut rows: Vec<(TrackId, Vec<Learned>)> = Vec::new();
        for (k, l) in self.learned.iter() {
            match rows.last_mut() {
                Some((from, row)) if *from == source(k) => row.push(*l),
                _ => rows.push((source(k), vec![*l])),
            }
        }
        rows.into_iter()
    }

    /// How many edges carry something learned (a bonus, penalty or cooldown).
    pub fn learned_count(&self) -> usize {
        self.learned.len()
    }

    /// True when this build learned something on a row of `from` (a bonus, penalty or cooldown).
    pub fn learned_since_build(&self, from: TrackId) -> bool {
        self.learned_row(from).next().is_some()
    }

    /// What was learned on one edge, if anything.
    pub fn learned_edge(&self, from: TrackId, to: TrackId) -> Option<&Learned> {
        self.learned.get(key(from, to))
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
        let entries = learned
            .into_iter()
            .flat_map(|(from, row)| row.into_iter().map(move |l| (key(from, l.to), l)));
        build.learned = Lessons::from_sorted(entries);
        build.watched = build
            .learned
            .iter()
            .filter(|(_, l)| l.watched())
            .map(|(k, l)| (source(k), u64::from(l.to)))
            .collect();
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
        for (k, l) in self.learned.iter() {
            base.adjust_edge(source(k), l.to, l.bonus - l.penalty);
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
        let mut carried = self.watched.clone();
        sort_pairs(&mut carried);
        carried.dedup();
        for (from, to) in carried {
            let to = to as TrackId;
            if let Some(l) = self.learned_edge(from, to).filter(|l| l.cooldown > 0) {
                let cooling = || Learned {
                    to,
                    cooldown: l.cooldown,
                    ..Learned::default()
                };
                next.learned.upsert(key(from, to), cooling);
                next.watched.push((from, u64::from(to)));
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
        self.start_draw = StartDrawCell::new();
        let gone: Vec<u64> = (self.learned.iter())
            .filter(|(k, l)| source(*k) == id || l.to == id)
            .map(|(k, _)| k)
            .collect();
        for k in gone {
            self.learned.remove(k);
        }
        known
    }
}
