//! Snapshots: a restored engine goes on exactly as the saved one would have, and a bad
//! snapshot is refused whole.
#![cfg(not(target_arch = "wasm32"))]
// Test helpers assert by unwrapping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use futures::executor::LocalPool;
use memory_player::engine::{
    merge_rows, ManualClock, Options, Orchestrator, SaveMark, Snapshot, SnapshotError,
};
use memory_player::model::Learned;
use proptest::prelude::*;

/// One step of a listening session.
#[derive(Clone, Debug)]
enum Op {
    Next,
    Back,
    Learn(u32, u32),
    Feedback(u32, u32, f64),
    Reinforce(u32, u32),
    Penalty(u32, u32),
    Rebuild,
    Forget(u32),
    Start,
    Stop,
    Turn,
    Advance(f64),
}

fn op() -> impl Strategy<Value = Op> {
    let id = 1u32..12;
    prop_oneof![
        4 => Just(Op::Next),
        1 => Just(Op::Back),
        2 => (0u32..12, id.clone()).prop_map(|(a, b)| Op::Learn(a, b)),
        3 => (0u32..12, id.clone(), 0.0f64..1.2).prop_map(|(a, b, p)| Op::Feedback(a, b, p)),
        1 => (0u32..12, id.clone()).prop_map(|(a, b)| Op::Reinforce(a, b)),
        1 => (0u32..12, id.clone()).prop_map(|(a, b)| Op::Penalty(a, b)),
        1 => Just(Op::Rebuild),
        1 => id.prop_map(Op::Forget),
        1 => Just(Op::Start),
        1 => Just(Op::Stop),
        2 => Just(Op::Turn),
        1 => (0.0f64..5000.0).prop_map(Op::Advance),
    ]
}

struct Engine {
    pool: LocalPool,
    clock: ManualClock,
    o: Orchestrator,
}

/// The TTL manager checks at every clock step: a snapshot does not carry a timer's phase (a
/// restored engine starts its interval at `start()`), so a coarse interval would make the two
/// engines look at the build's age at different moments.
fn options() -> Options {
    Options {
        seed: 11,
        max_runtime_diffs: 6,
        max_runtime_age_ms: 4000,
        ttl_check_interval_ms: 1,
        ..Options::default()
    }
}

fn fresh() -> Engine {
    let pool = LocalPool::new();
    let clock = ManualClock::new(1_000.0);
    let o = Orchestrator::new(options(), pool.spawner(), clock.clone()).unwrap();
    for i in 1..=10 {
        o.reinforce_base(0, i, 1.0).unwrap();
        o.reinforce_base(i, i % 10 + 1, 3.0).unwrap();
        o.reinforce_base(i, (i + 3) % 10 + 1, 1.0).unwrap();
    }
    o.rebuild_runtime("catalogue");
    Engine { pool, clock, o }
}

fn restored(from: &Engine) -> Engine {
    let pool = LocalPool::new();
    let clock = ManualClock::new(from.clock_now());
    let o = Orchestrator::restore(&from.o.snapshot(), pool.spawner(), clock.clone()).unwrap();
    let mut pool = pool;
    if from.o.running() {
        o.start().unwrap();
        pool.run_until_stalled();
    }
    Engine { pool, clock, o }
}

impl Engine {
    fn clock_now(&self) -> f64 {
        use memory_player::engine::Clock;
        self.clock.now_ms()
    }

    /// Applies one step; returns what it answered, for comparing two engines.
    fn apply(&mut self, op: &Op) -> String {
        let o = &self.o;
        match *op {
            Op::Next => format!("{:?}", o.play_next()),
            Op::Back => format!("{:?}", o.play_back()),
            Op::Learn(a, b) => format!("{:?}", o.learn(a, b)),
            Op::Feedback(a, b, p) => format!("{:?}", o.feedback(a, b, p * 100.0, 100.0)),
            Op::Reinforce(a, b) => format!("{:?}", o.reinforce_base(a, b, 1.0)),
            Op::Penalty(a, b) => format!("{:?}", o.penalty_base(a, b, 1.0)),
            Op::Rebuild => format!("{}", o.rebuild_runtime("by hand")),
            Op::Forget(id) => format!("{}", o.forget_track(id)),
            Op::Start => format!("{:?}", o.start()),
            Op::Stop => {
                drop(o.stop());
                String::new()
            }
            Op::Turn => {
                self.pool.run_until_stalled();
                String::new()
            }
            Op::Advance(ms) => {
                self.clock.advance(ms);
                self.pool.run_until_stalled();
                String::new()
            }
        }
    }
}

/// Everything observable, with the build time dropped (restored engines keep their own clock).
fn state(o: &Orchestrator) -> Snapshot {
    o.snapshot()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5EED),
        ..ProptestConfig::default()
    })]

    #[test]
    fn restore_then_continue_equals_continue_without_the_save(
        before in prop::collection::vec(op(), 0..60),
        after in prop::collection::vec(op(), 1..60),
    ) {
        let mut a = fresh();
        for op in &before {
            a.apply(op);
        }
        // Save at a quiet moment: every task of `a` is parked, as `b`'s will be.
        a.pool.run_until_stalled();
        let mut b = restored(&a);
        prop_assert_eq!(state(&a.o), state(&b.o));
        for op in &after {
            let (x, y) = (a.apply(op), b.apply(op));
            prop_assert_eq!(x, y, "answers diverged at {:?}", op);
        }
        a.pool.run_until_stalled();
        b.pool.run_until_stalled();
        prop_assert_eq!(state(&a.o), state(&b.o));
    }
}

#[test]
fn a_snapshot_round_trips_through_restore() {
    let mut e = fresh();
    for op in [
        Op::Next,
        Op::Next,
        Op::Feedback(0, 3, 0.05),
        Op::Back,
        Op::Reinforce(4, 9),
        Op::Next,
    ] {
        e.apply(&op);
    }
    let s = e.o.snapshot();
    let r = Orchestrator::restore(&s, LocalPool::new().spawner(), ManualClock::new(0.0)).unwrap();
    assert_eq!(r.snapshot(), s);
    // Reinforcing 4 -> 9 after the build changed rows 4 and 0 (the start row) of the live base.
    let changed: Vec<u32> = s.build.base_changes.iter().map(|(id, _)| *id).collect();
    assert_eq!(changed, vec![0, 4]);
}

fn refused(s: &Snapshot) -> SnapshotError {
    Orchestrator::restore(s, LocalPool::new().spawner(), ManualClock::new(0.0)).unwrap_err()
}

#[test]
fn bad_snapshots_are_refused_saying_what_is_wrong() {
    let mut e = fresh();
    e.apply(&Op::Next);
    e.apply(&Op::Learn(1, 2));
    let good = e.o.snapshot();

    let mut s = good.clone();
    s.base[2].1[0].1 = f64::NAN;
    assert_eq!(refused(&s).part, "base");

    let mut s = good.clone();
    s.base[3].1[0].1 = -1.0;
    assert!(refused(&s).problem.contains("weight"));

    let mut s = good.clone();
    s.base.swap(2, 3);
    assert!(refused(&s).problem.contains("out of order or duplicated"));

    let mut s = good.clone();
    let dup = s.base[4].clone();
    s.base.insert(4, dup);
    assert!(refused(&s).problem.contains("duplicated"));

    let mut s = good.clone();
    s.base[1].1.push((77, 1.0));
    assert!(refused(&s).problem.contains("not in the graph"));

    let mut s = good.clone();
    s.base[1].1.push((0, 1.0));
    assert_eq!(refused(&s).part, "base");

    let mut s = good.clone();
    s.build.learned.push((
        99,
        vec![Learned {
            to: 1,
            bonus: 1.0,
            penalty: 0.0,
            cooldown: 0,
        }],
    ));
    assert_eq!(refused(&s).part, "build.learned");

    let mut s = good.clone();
    s.build.learned[0].1[0].bonus = f64::INFINITY;
    assert_eq!(refused(&s).part, "build.learned");

    let mut s = good.clone();
    s.chain.back = vec![3];
    s.chain.current = None;
    assert_eq!(refused(&s).part, "chain.current");

    let mut s = good.clone();
    s.last_played = vec![(1, 5), (1, 3)];
    assert_eq!(refused(&s).part, "recency.last");

    let mut s = good.clone();
    s.last_played = vec![(1, s.plays + 1)];
    assert_eq!(refused(&s).part, "recency");

    let mut s = good.clone();
    s.last_played = vec![(0, 1), (1, 3)];
    assert_eq!(refused(&s).part, "recency.last");

    let mut s = good.clone();
    s.options.top_k = 0;
    assert_eq!(refused(&s).part, "options");

    let mut s = good.clone();
    s.build.built_at = f64::NAN;
    assert_eq!(refused(&s).part, "build.builtAt");

    let mut s = good;
    s.build.base_changes = vec![(3, None), (2, None)];
    assert_eq!(refused(&s).part, "build.baseChanges");
}

#[test]
fn a_snapshot_taken_before_the_first_rebuild_restores() {
    // Build 0 saw an empty base: the live base's start row is one the build does not have.
    let o = Orchestrator::new(
        Options::default(),
        LocalPool::new().spawner(),
        ManualClock::new(0.0),
    )
    .unwrap();
    o.reinforce_base(1, 2, 1.0).unwrap();
    let s = o.snapshot();
    assert!(s
        .build
        .base_changes
        .iter()
        .any(|(id, row)| *id == 0 && row.is_none()));
    let r = Orchestrator::restore(&s, LocalPool::new().spawner(), ManualClock::new(0.0)).unwrap();
    assert_eq!(r.snapshot(), s);
    assert_eq!(r.play_next(), o.play_next());
}

/// What a profile store holds: a checkpoint's rows with every delta's rows merged, and the
/// last delta's state. Its snapshot must be `snapshot()` at the last save.
struct Store {
    rows: Vec<(u32, Vec<(u32, f64)>)>,
    state: Snapshot,
    mark: SaveMark,
}

impl Store {
    fn checkpoint(o: &Orchestrator) -> Store {
        let d = o.delta_since(None);
        let rows = d.rows.into_iter().map(|(id, r)| (id, r.unwrap())).collect();
        Store {
            rows,
            state: d.state,
            mark: d.mark,
        }
    }

    fn save(&mut self, o: &Orchestrator) {
        let d = o.delta_since(Some(&self.mark));
        self.rows = merge_rows(std::mem::take(&mut self.rows), d.rows);
        self.state = d.state;
        self.mark = d.mark;
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            base: self.rows.clone(),
            ..self.state.clone()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0xDE17A),
        ..ProptestConfig::default()
    })]

    /// Checkpoint + deltas replayed give `snapshot()` at every save, whatever happened between
    /// saves (lessons, rebuilds, base edits, forgotten tracks, managers).
    #[test]
    fn checkpoint_plus_deltas_equals_the_snapshot_at_each_save(
        ops in prop::collection::vec((op(), any::<bool>()), 1..80),
    ) {
        let mut e = fresh();
        let mut store = Store::checkpoint(&e.o);
        prop_assert_eq!(store.snapshot(), e.o.snapshot());
        for (op, save) in &ops {
            e.apply(op);
            if *save {
                store.save(&e.o);
                prop_assert_eq!(store.snapshot(), e.o.snapshot());
                prop_assert_eq!(store.mark.changes(), e.o.changes());
            }
        }
        store.save(&e.o);
        prop_assert_eq!(store.snapshot(), e.o.snapshot());
        let r = Orchestrator::restore(&store.snapshot(), LocalPool::new().spawner(), ManualClock::new(0.0)).unwrap();
        prop_assert_eq!(r.snapshot(), e.o.snapshot());
    }
}

#[test]
fn a_delta_after_lessons_carries_no_row_and_after_a_rebuild_only_the_changed_rows() {
    let e = fresh();
    let mark = e.o.delta_since(None).mark;
    e.o.play_next();
    e.o.feedback(0, 3, 100.0, 100.0).unwrap();
    e.o.learn(3, 4).unwrap();
    let d = e.o.delta_since(Some(&mark));
    assert!(d.rows.is_empty(), "lessons live in the build, not the base");
    assert!(d.state.base.is_empty());
    assert_eq!(d.state.build.learned.len(), 2);
    e.o.rebuild_runtime("by hand");
    let d = e.o.delta_since(Some(&d.mark));
    let changed: Vec<u32> = d.rows.iter().map(|(id, _)| *id).collect();
    assert_eq!(changed, vec![0, 3], "the rows the lessons were folded into");
    e.o.forget_track(10);
    let d = e.o.delta_since(Some(&d.mark));
    assert!(
        d.rows.contains(&(10, None)),
        "a forgotten track is a removed row"
    );
}

/// A defect once: stop() applied the pending cooldown step without counting it as a
/// change, so a store that had saved just before kept `pendingCooldownSteps: 1` while
/// `snapshot()` said 0.
#[test]
fn stop_applying_pending_cooldown_steps_is_a_change() {
    let mut e = fresh();
    e.o.feedback(0, 3, 1.0, 100.0).unwrap(); // a skip: a cooldown that steps will reduce
    e.o.start().unwrap();
    e.pool.run_until_stalled();
    e.o.play_next(); // a generated play: one pending step for the cooldown manager
    let saved = e.o.snapshot();
    let changes = e.o.changes();
    assert_eq!(saved.pending_cooldown_steps, 1);
    drop(e.o.stop());
    e.pool.run_until_stalled();
    assert_eq!(e.o.snapshot().pending_cooldown_steps, 0);
    assert_ne!(e.o.snapshot(), saved);
    assert!(
        e.o.changes() > changes,
        "the state changed, so must the counter"
    );
}
