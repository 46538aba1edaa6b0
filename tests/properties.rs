//! Random sequences of every operation against a shadow model of the seed rules.
//!
//! After every step the engine must agree with a plain re-statement of the rules (the `Model`
//! below): the base graph, what the current build learned, its cooldowns and known tracks, the
//! playback chain, the build version and the managers alive. On top of that it checks the
//! invariants of every engine: no panic; every probabilities row sums to 1 or is empty; no
//! weight is negative or non-finite; the back stack is bounded; build versions strictly
//! increase; and every rebuild folds exactly what the old build learned,
//! `max(0, old + bonus - penalty)` per edge, nothing lost and nothing counted twice.
//!
//! On failure proptest prints the smallest sequence of operations it found: that is the
//! replay. `PROPTEST_CASES=5000 cargo test --test properties` soaks longer.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be (clippy.toml
// allows them only inside #[test] functions, not in the helpers these files share).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use common::{assert_close, edges, seed_options, sources, Harness};
use memory_player::engine::{
    Clock, EngineError, Event, LearnKind, Options, PlaySource, DIFF_LIMIT_REASON, TTL_REASON,
};
use memory_player::model::{BaseGraph, ModelError, TrackId, MAX_AMOUNT, START};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Start,
    Stop,
    Rebuild,
    Learn(TrackId, TrackId),
    Feedback(TrackId, TrackId, f64, f64),
    PlayNext,
    PlayBack,
    Forget(TrackId),
    BaseReinforce(TrackId, TrackId, f64),
    BasePenalty(TrackId, TrackId, f64),
    Advance(u32),
    Turn,
}

const REASON: &str = "property";

fn id() -> impl Strategy<Value = TrackId> {
    0..6u32
}

fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => prop::sample::select(vec![0.5, 1.0, 2.0, 3.5, 0.0]),
        1 => prop::sample::select(vec![f64::NAN, -1.0, f64::INFINITY, MAX_AMOUNT * 2.0]),
    ]
}

fn listened() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => 0.0..150.0f64,
        1 => prop::sample::select(vec![0.0, 10.0, f64::NAN, -1.0, f64::INFINITY]),
    ]
}

fn duration() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => prop::sample::select(vec![100.0, 30.0, 1.0]),
        1 => prop::sample::select(vec![0.0, -3.0, f64::NAN, f64::INFINITY]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Start),
        1 => Just(Op::Stop),
        1 => Just(Op::Rebuild),
        4 => (id(), id()).prop_map(|(f, t)| Op::Learn(f, t)),
        4 => (id(), id(), listened(), duration()).prop_map(|(f, t, l, d)| Op::Feedback(f, t, l, d)),
        6 => Just(Op::PlayNext),
        2 => Just(Op::PlayBack),
        1 => id().prop_map(Op::Forget),
        3 => (id(), id(), amount()).prop_map(|(f, t, a)| Op::BaseReinforce(f, t, a)),
        2 => (id(), id(), amount()).prop_map(|(f, t, a)| Op::BasePenalty(f, t, a)),
        2 => prop::sample::select(vec![10u32, 60, 100, 250]).prop_map(Op::Advance),
        4 => Just(Op::Turn),
    ]
}

fn options(seed: u64) -> Options {
    Options {
        seed,
        max_runtime_diffs: 4,
        max_runtime_age_ms: 300,
        ttl_check_interval_ms: 100,
        history_limit: 3,
        repeat_window: 2,
        top_k: 3,
        ..seed_options()
    }
}

// ---------------------------------------------------------------------------------------------
// The shadow model: the rules, written as plainly as possible.

#[derive(Debug, Default)]
struct Chain {
    back: VecDeque<TrackId>,
    current: Option<TrackId>,
    forward: Vec<TrackId>,
    frozen: bool,
    /// The current track was forgotten: it goes onto neither stack when left.
    current_forgotten: bool,
}

impl Chain {
    /// Makes `id` current; the track left, unless it was forgotten.
    fn leave(&mut self, id: TrackId) -> Option<TrackId> {
        let forgotten = self.current_forgotten;
        self.current_forgotten = false;
        self.current.replace(id).filter(|_| !forgotten)
    }

    fn push_back(&mut self, id: TrackId, limit: usize) {
        self.back.push_back(id);
        while self.back.len() > limit {
            self.back.pop_front();
        }
    }
}

#[derive(Debug)]
struct Model {
    opts: Options,
    base: BTreeMap<(TrackId, TrackId), f64>,
    base_known: BTreeSet<TrackId>,
    /// (bonus, penalty) per edge, learned since the current build.
    learned: BTreeMap<(TrackId, TrackId), (f64, f64)>,
    cooldowns: BTreeMap<(TrackId, TrackId), u32>,
    build_known: BTreeSet<TrackId>,
    diffs: u64,
    version: u64,
    built_at: f64,
    /// Generated plays whose cooldown step the manager has not applied yet.
    pending: u32,
    running: bool,
    chain: Chain,
}

impl Model {
    fn new(opts: Options, now: f64) -> Self {
        Self {
            opts,
            base: BTreeMap::new(),
            base_known: BTreeSet::new(),
            learned: BTreeMap::new(),
            cooldowns: BTreeMap::new(),
            build_known: BTreeSet::new(),
            diffs: 0,
            version: 0,
            built_at: now,
            pending: 0,
            running: false,
            chain: Chain::default(),
        }
    }

    fn mirrored(from: TrackId, to: TrackId) -> Vec<(TrackId, TrackId)> {
        if from == START {
            vec![(START, to)]
        } else {
            vec![(from, to), (START, to)]
        }
    }

    fn know(set: &mut BTreeSet<TrackId>, from: TrackId, to: TrackId) {
        if from != START {
            set.insert(from);
        }
        set.insert(to);
    }

    fn adjust_base(&mut self, from: TrackId, to: TrackId, delta: f64) {
        let w = self.base.entry((from, to)).or_insert(0.0);
        *w = (*w + delta).max(0.0);
        Self::know(&mut self.base_known, from, to);
    }

    fn base_edit(&mut self, from: TrackId, to: TrackId, delta: f64) {
        for (f, t) in Self::mirrored(from, to) {
            self.adjust_base(f, t, delta);
        }
    }

    fn lesson(&mut self, from: TrackId, to: TrackId, bonus: f64, penalty: f64) {
        for key in Self::mirrored(from, to) {
            let l = self.learned.entry(key).or_insert((0.0, 0.0));
            l.0 += bonus;
            l.1 += penalty;
        }
        Self::know(&mut self.build_known, from, to);
        self.diffs += 1;
    }

    fn steps(&mut self, steps: u32) {
        for c in self.cooldowns.values_mut() {
            *c = c.saturating_sub(steps);
        }
        self.cooldowns.retain(|_, c| *c > 0);
    }

    fn apply_pending(&mut self) {
        let steps = std::mem::take(&mut self.pending);
        self.steps(steps);
    }

    fn generated_play(&mut self) {
        if self.running {
            self.pending += 1;
        } else {
            self.steps(1);
        }
    }

    /// A rebuild: fold, bump the version, carry the cooldowns.
    fn rebuild(&mut self, now: f64) {
        let learned = std::mem::take(&mut self.learned);
        for ((from, to), (bonus, penalty)) in learned {
            self.adjust_base(from, to, bonus - penalty);
        }
        let cooled: Vec<_> = self.cooldowns.keys().copied().collect();
        for (from, to) in cooled {
            self.adjust_base(from, to, 0.0);
        }
        self.build_known = self.base_known.clone();
        self.diffs = 0;
        self.version += 1;
        self.built_at = now;
    }

    fn forget(&mut self, id: TrackId) -> bool {
        if id == START {
            return false;
        }
        let known = self.base_known.remove(&id) | self.build_known.remove(&id);
        let touches = |(from, to): &(TrackId, TrackId)| *from == id || *to == id;
        self.base.retain(|k, _| !touches(k));
        self.learned.retain(|k, _| !touches(k));
        self.cooldowns.retain(|k, _| !touches(k));
        self.chain.back.retain(|t| *t != id);
        self.chain.forward.retain(|t| *t != id);
        if self.chain.current == Some(id) {
            self.chain.current_forgotten = true;
        }
        known
    }

    fn kind(&self, listened: f64, duration: f64) -> (LearnKind, f64, u32) {
        let o = &self.opts;
        let progress = (listened / duration).min(1.0);
        if progress >= o.reinforce_threshold {
            (LearnKind::Reinforce, o.reinforce_amount, 0)
        } else if progress < o.skip_threshold {
            (LearnKind::Skip, o.skip_penalty, o.skip_cooldown)
        } else {
            (LearnKind::Penalty, o.penalty_amount, o.penalty_cooldown)
        }
    }
}

fn valid_amount(a: f64) -> bool {
    a.is_finite() && (0.0..=MAX_AMOUNT).contains(&a)
}

// ---------------------------------------------------------------------------------------------
// One run

/// What a rebuild must produce from the base before it and the build it replaces.
fn folded(
    base: &BaseGraph,
    learned: &[(TrackId, TrackId, f64, f64)],
) -> Vec<(TrackId, TrackId, f64)> {
    let mut expected: BTreeMap<(TrackId, TrackId), f64> = edges(base)
        .into_iter()
        .map(|(f, t, w)| ((f, t), w))
        .collect();
    for &(from, to, bonus, penalty) in learned {
        let w = expected.entry((from, to)).or_insert(0.0);
        *w = (*w + bonus - penalty).max(0.0);
    }
    expected.into_iter().map(|((f, t), w)| (f, t, w)).collect()
}

fn assert_same_edges(actual: &[(TrackId, TrackId, f64)], expected: &[(TrackId, TrackId, f64)]) {
    let keys = |v: &[(TrackId, TrackId, f64)]| v.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>();
    assert_eq!(keys(actual), keys(expected), "edge sets differ");
    for (a, e) in actual.iter().zip(expected) {
        assert_close(a.2, e.2);
    }
}

/// Runs the operations, checking everything after each; returns every event, for the
/// determinism check.
fn run(seed: u64, ops: &[Op]) -> Vec<Event> {
    let mut h = Harness::with(options(seed));
    let mut m = Model::new(options(seed), 1_000.0);
    let mut seen = 0;
    for (step, op) in ops.iter().enumerate() {
        let base_before = h.o.base_graph();
        let build_before = h.o.runtime_graph();
        let mut expect_play: Option<(Option<TrackId>, PlaySource)> = None;
        let mut expect_learn: Option<(TrackId, TrackId, LearnKind)> = None;
        match *op {
            Op::Start => {
                h.o.start().unwrap();
                m.running = true;
            }
            Op::Stop => {
                drop(h.o.stop());
                if m.running {
                    m.apply_pending();
                }
                m.running = false;
            }
            Op::Rebuild => {
                assert_eq!(h.o.rebuild_runtime(REASON), m.version + 1);
            }
            Op::Learn(from, to) => {
                let result = h.o.learn(from, to);
                if to == START {
                    assert_eq!(result, Err(EngineError::Model(ModelError::StartAsTarget)));
                } else if m.chain.frozen {
                    assert_eq!(result, Ok(false));
                } else {
                    assert_eq!(result, Ok(true));
                    m.lesson(from, to, 1.0, 0.0);
                    expect_learn = Some((from, to, LearnKind::Reinforce));
                }
            }
            Op::Feedback(from, to, listened, duration) => {
                let result = h.o.feedback(from, to, listened, duration);
                if !(listened.is_finite() && listened >= 0.0) {
                    assert_eq!(result, Err(EngineError::InvalidListened));
                } else if !(duration.is_finite() && duration > 0.0) {
                    assert_eq!(result, Err(EngineError::InvalidDuration));
                } else if to == START {
                    assert_eq!(result, Err(EngineError::Model(ModelError::StartAsTarget)));
                } else if m.chain.frozen {
                    assert_eq!(result, Ok(None));
                } else {
                    let (kind, amount, cooldown) = m.kind(listened, duration);
                    assert_eq!(result, Ok(Some(kind)));
                    if cooldown > 0 {
                        m.apply_pending();
                    }
                    match kind {
                        LearnKind::Reinforce | LearnKind::Choice => m.lesson(from, to, amount, 0.0),
                        LearnKind::Penalty | LearnKind::Skip => {
                            m.lesson(from, to, 0.0, amount);
                            if cooldown > 0 {
                                let c = m.cooldowns.entry((from, to)).or_insert(0);
                                *c = (*c).max(cooldown);
                            }
                        }
                    }
                    expect_learn = Some((from, to, kind));
                }
            }
            Op::PlayNext => {
                // explain_next (and play_next) apply the pending steps of earlier plays first.
                m.apply_pending();
                let explained = h.o.explain_next(usize::MAX).candidates;
                assert_eq!(explained.is_empty(), m.build_known.is_empty());
                if !explained.is_empty() {
                    let total: f64 = explained.iter().map(|e| e.probability).sum();
                    assert_close(total, 1.0);
                }
                let result = h.o.play_next();
                if let Some(next) = m.chain.forward.pop() {
                    assert_eq!(result, Some(next));
                    if let Some(left) = m.chain.leave(next) {
                        m.chain.push_back(left, m.opts.history_limit);
                    }
                    m.chain.frozen = true;
                    expect_play = Some((result, PlaySource::Forward));
                } else if m.build_known.is_empty() {
                    assert_eq!(result, None);
                } else {
                    let id = result.expect("a known track to play");
                    assert!(m.build_known.contains(&id), "picked unknown {id}");
                    let chance = explained.iter().find(|e| e.id == id).map(|e| e.probability);
                    assert!(chance.is_some_and(|p| p > 0.0), "{id} at {chance:?}");
                    if let Some(left) = m.chain.leave(id) {
                        m.chain.push_back(left, m.opts.history_limit);
                    }
                    m.chain.forward.clear();
                    m.chain.frozen = false;
                    m.generated_play();
                    expect_play = Some((result, PlaySource::Generated));
                }
            }
            Op::PlayBack => {
                let result = h.o.play_back();
                let previous = m.chain.current.and_then(|_| m.chain.back.pop_back());
                assert_eq!(result, previous);
                if let Some(previous) = previous {
                    if let Some(left) = m.chain.leave(previous) {
                        m.chain.forward.push(left);
                    }
                    m.chain.frozen = true;
                    expect_play = Some((result, PlaySource::Back));
                }
            }
            Op::Forget(id) => {
                assert_eq!(h.o.forget_track(id), m.forget(id));
            }
            Op::BaseReinforce(from, to, a) | Op::BasePenalty(from, to, a) => {
                let penalty = matches!(op, Op::BasePenalty(..));
                let result = if penalty {
                    h.o.penalty_base(from, to, a)
                } else {
                    h.o.reinforce_base(from, to, a)
                };
                if to == START {
                    assert_eq!(result, Err(ModelError::StartAsTarget));
                } else if !valid_amount(a) {
                    assert_eq!(result, Err(ModelError::InvalidAmount));
                } else {
                    assert_eq!(result, Ok(()));
                    m.base_edit(from, to, if penalty { -a } else { a });
                }
            }
            Op::Advance(ms) => h.clock.advance(f64::from(ms)),
            Op::Turn => {
                h.turn();
                if m.running {
                    m.apply_pending();
                }
            }
        }

        // The events this step caused, in order.
        let events = h.events();
        let new = events.get(seen..).unwrap_or_default().to_vec();
        seen = events.len();
        let mut rebuilds = 0;
        let mut plays = Vec::new();
        let mut lessons = Vec::new();
        for event in new {
            match event {
                Event::Rebuild {
                    build_version,
                    reason,
                    diffs,
                } => {
                    assert_eq!(build_version, m.version + 1, "versions go up by one");
                    assert_eq!(diffs, m.diffs, "the rebuild folds every lesson");
                    let now = h.clock.now_ms();
                    match (op, reason.as_str()) {
                        (Op::Rebuild, REASON) => {}
                        (Op::Turn, DIFF_LIMIT_REASON) => {
                            assert!(m.diffs > m.opts.max_runtime_diffs);
                        }
                        (Op::Turn, TTL_REASON) => {
                            assert!(now - m.built_at > m.opts.max_runtime_age_ms as f64);
                        }
                        other => panic!("unexpected rebuild {other:?}"),
                    }
                    m.rebuild(now);
                    rebuilds += 1;
                }
                Event::Play { id, source } => plays.push((Some(id), source)),
                Event::Learn { from, to, kind } => lessons.push((from, to, kind)),
            }
        }
        assert_eq!(
            plays,
            expect_play.into_iter().collect::<Vec<_>>(),
            "step {step}"
        );
        assert_eq!(lessons, expect_learn.into_iter().collect::<Vec<_>>());
        if matches!(op, Op::Rebuild) {
            assert_eq!(rebuilds, 1);
        }

        // A rebuild folds exactly what the replaced build learned.
        if rebuilds > 0 {
            let learned: Vec<_> = build_before
                .borrow()
                .learned()
                .flat_map(|(from, row)| {
                    row.iter()
                        .map(move |l| (from, l.to, l.bonus, l.penalty))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_same_edges(&edges(&h.o.base_graph()), &folded(&base_before, &learned));
        }

        check(&h, &m, op);
    }
    h.events()
}

/// Everything the engine shows must match the model, and the invariants must hold.
fn check(h: &Harness, m: &Model, op: &Op) {
    // Base graph.
    let base = h.o.base_graph();
    let actual = edges(&base);
    for (_, _, w) in &actual {
        assert!(w.is_finite() && *w >= 0.0, "weight {w}");
    }
    let expected: Vec<_> = m.base.iter().map(|(&(f, t), &w)| (f, t, w)).collect();
    assert_same_edges(&actual, &expected);
    assert_eq!(base.edge_count(), actual.len());
    assert_eq!(base.ids().collect::<BTreeSet<_>>(), m.base_known);

    // Current build.
    let build = h.o.runtime_graph();
    let build = build.borrow();
    assert_eq!(build.build_version(), m.version);
    assert_eq!(build.diffs(), m.diffs);
    assert_eq!(build.ids().collect::<BTreeSet<_>>(), m.build_known);
    let ids: Vec<_> = build.ids().collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids ascending, once");
    let mut in_build = BTreeSet::new();
    for (from, row) in build.learned() {
        for l in row {
            let key = (from, l.to);
            in_build.insert(key);
            let (bonus, penalty) = m.learned.get(&key).copied().unwrap_or((0.0, 0.0));
            assert_close(l.bonus, bonus);
            assert_close(l.penalty, penalty);
            assert_eq!(
                l.cooldown,
                m.cooldowns.get(&key).copied().unwrap_or(0),
                "{key:?}"
            );
        }
    }
    for key in m.learned.keys().chain(m.cooldowns.keys()) {
        assert!(in_build.contains(key), "lost {key:?}");
    }

    // Probabilities: every row sums to 1 or is empty.
    for from in sources(&build).into_iter().chain(1..6) {
        let p = build.probabilities(from);
        if !p.is_empty() {
            let total: f64 = p.iter().map(|(_, p)| p).sum();
            assert!((total - 1.0).abs() <= 1e-9, "row {from} sums to {total}");
            assert!(p.iter().all(|(_, p)| *p > 0.0 && *p <= 1.0));
            assert!(p.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    // Playback chain.
    let chain = h.o.playback_chain();
    assert!(chain.back_stack().len() <= m.opts.history_limit);
    assert_eq!(chain.back_stack().collect::<VecDeque<_>>(), m.chain.back);
    assert_eq!(chain.current(), m.chain.current);
    assert_eq!(chain.forward_stack(), m.chain.forward.as_slice());
    assert_eq!(chain.learning_frozen(), m.chain.frozen);

    // Managers.
    assert_eq!(h.o.running(), m.running);
    assert_eq!(h.o.running_managers(), h.live_tasks());
    if matches!(op, Op::Turn) {
        let expected = if m.running { 3 } else { 0 };
        assert_eq!(h.live_tasks(), expected);
        if m.running {
            assert!(
                m.diffs <= m.opts.max_runtime_diffs,
                "the diff manager let it pass"
            );
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // A fixed seed: every run explores the same sequences, and a failure replays exactly.
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5EED_0001),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_operation_sequence_keeps_the_rules(
        seed in 0..(1u64 << 53),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let events = run(seed, &ops);
        // The same seed and the same calls give the same picks (and everything else).
        prop_assert_eq!(events, run(seed, &ops));
    }
}
