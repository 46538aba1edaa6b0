//! The three managers and their lifecycle, including the races a multi-threaded design must
//! guard against, restated for one thread. Time only moves when a test advances the
//! `ManualClock`; `turn()` lets the executor run.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be (clippy.toml
// allows them only inside #[test] functions, not in the helpers these files share).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{seed_options, Harness};
use futures::task::LocalSpawnExt;
use futures::FutureExt;
use memory_player::engine::{
    EngineError, Event, Options, Orchestrator, DIFF_LIMIT_REASON, TTL_REASON,
};
use memory_player::model::{Rng, START};

fn options(max_runtime_diffs: u64) -> Options {
    Options {
        max_runtime_diffs,
        ..seed_options()
    }
}

fn started(options: Options) -> Harness {
    let mut h = Harness::with(options);
    h.o.start().unwrap();
    h.turn();
    h
}

fn learn_n(h: &Harness, n: usize) {
    for i in 0..n {
        let to = 1 + (i % 5) as u32;
        assert_eq!(h.o.learn(START, to), Ok(true));
    }
}

/// Awaits `o.stop()` on the executor and records how many managers were alive when it completed.
fn watch_stop(h: &Harness) -> Rc<Cell<Option<usize>>> {
    let done = Rc::new(Cell::new(None));
    let (seen, o, stopped) = (done.clone(), h.o.clone(), h.o.stop());
    h.pool
        .spawner()
        .spawn_local(async move {
            stopped.await;
            seen.set(Some(o.running_managers()));
        })
        .unwrap();
    done
}

// ---------------------------------------------------------------------------------------------
// start / stop

#[test]
fn start_spawns_exactly_three_managers() {
    let h = started(Options::default());
    assert!(h.o.running());
    assert_eq!(h.o.running_managers(), 3);
    assert_eq!(h.live_tasks(), 3);
    assert_eq!(h.tasks.spawned.get(), 3);
}

#[test]
fn starting_twice_never_runs_six() {
    let mut h = started(Options::default());
    h.o.start().unwrap();
    h.o.start().unwrap();
    h.turn();
    assert_eq!(h.o.running_managers(), 3);
    assert_eq!(h.live_tasks(), 3);
    assert_eq!(h.tasks.spawned.get(), 3);
}

#[test]
fn stop_completes_only_once_every_manager_has_exited() {
    let mut h = started(Options::default());
    let done = watch_stop(&h);
    // Cancelled, but the tasks exit only when the executor next polls them.
    let mut again = h.o.stop();
    assert!((&mut again).now_or_never().is_none());
    assert_eq!(done.get(), None);
    h.turn();
    assert_eq!(done.get(), Some(0));
    assert!(again.now_or_never().is_some());
    assert_eq!(h.live_tasks(), 0);
    assert!(!h.o.running());
}

#[test]
fn no_manager_acts_once_stopped() {
    let mut h = started(Options {
        max_runtime_diffs: 3,
        max_runtime_age_ms: 100,
        ttl_check_interval_ms: 10,
        ..seed_options()
    });
    drop(h.o.stop());
    // Even before the executor lets them exit, the cancelled managers must not act.
    learn_n(&h, 10);
    h.clock.advance(1_000.0);
    h.turn();
    h.advance(1_000.0);
    assert!(h.rebuilds().is_empty());
    assert_eq!(h.diffs(), 10);
    assert_eq!(h.live_tasks(), 0);
    assert_eq!(h.clock.pending_sleepers(), 0);
}

#[test]
fn stop_before_start_is_ready_at_once() {
    let h = Harness::new();
    assert!(h.o.stop().now_or_never().is_some());
    assert!(!h.o.running());
    assert_eq!(h.tasks.spawned.get(), 0);
}

#[test]
fn stop_is_idempotent() {
    let mut h = started(Options::default());
    let first = h.o.stop();
    let second = h.o.stop();
    assert!(!h.o.running());
    h.turn();
    assert!(first.now_or_never().is_some());
    assert!(second.now_or_never().is_some());
    assert!(h.o.stop().now_or_never().is_some());
    assert_eq!(h.live_tasks(), 0);
    assert_eq!(h.tasks.spawned.get(), 3);
}

#[test]
fn stop_waits_for_every_lifecycle_stopped_so_far() {
    let mut h = started(Options::default());
    drop(h.o.stop());
    h.o.start().unwrap();
    let mut stopped = h.o.stop();
    assert_eq!(h.o.running_managers(), 6);
    assert!((&mut stopped).now_or_never().is_none());
    h.turn();
    assert!(stopped.now_or_never().is_some());
    assert_eq!(h.o.running_managers(), 0);
    assert_eq!(h.live_tasks(), 0);
}

#[test]
fn a_manager_of_an_old_lifecycle_never_acts_after_stop_then_start() {
    let mut h = started(options(5));
    // Stop then start at once: the old managers are still alive, waiting on the same channels.
    drop(h.o.stop());
    h.o.start().unwrap();
    learn_n(&h, 6);
    h.turn();
    assert_eq!(h.rebuilds(), vec![(1, DIFF_LIMIT_REASON.to_owned(), 6)]);
    assert_eq!(h.o.running_managers(), 3);
    assert_eq!(h.live_tasks(), 3);
    assert_eq!(h.tasks.spawned.get(), 6);
    assert_eq!(h.clock.pending_sleepers(), 1, "one TTL manager sleeping");
}

#[test]
fn a_manager_never_polled_before_stop_then_start_never_acts() {
    let mut h = Harness::with(options(5));
    h.o.start().unwrap();
    drop(h.o.stop());
    h.o.start().unwrap();
    drop(h.o.stop());
    h.o.start().unwrap();
    learn_n(&h, 6);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 1);
    assert_eq!(h.live_tasks(), 3);
    learn_n(&h, 6);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 2);
}

#[test]
fn exactly_three_managers_run_after_any_sequence_of_start_and_stop() {
    for seed in 0..20 {
        let mut h = Harness::with(options(4));
        let mut rng = Rng::new(seed);
        for _ in 0..60 {
            match rng.below(5) {
                0 | 1 => h.o.start().unwrap(),
                2 => drop(h.o.stop()),
                3 => learn_n(&h, 1),
                _ => {
                    h.turn();
                    let expected = if h.o.running() { 3 } else { 0 };
                    assert_eq!(h.live_tasks(), expected, "seed {seed}");
                    assert_eq!(h.o.running_managers(), expected, "seed {seed}");
                }
            }
            assert!(h.o.running_managers() <= h.tasks.spawned.get());
            assert_eq!(h.o.running_managers(), h.live_tasks());
        }
        let done = watch_stop(&h);
        h.turn();
        assert_eq!(done.get(), Some(0), "seed {seed}");
        assert_eq!(h.live_tasks(), 0);
        // Every crossing of the diff limit while running gave exactly one rebuild.
        for (_, reason, diffs) in h.rebuilds() {
            assert_eq!(reason, DIFF_LIMIT_REASON);
            assert!(diffs > 4);
        }
    }
}

#[test]
fn a_failed_spawn_leaves_no_manager_running() {
    let mut h = Harness::refusing_spawn_from(Options::default(), 1);
    assert_eq!(h.o.start(), Err(EngineError::Spawn));
    assert!(!h.o.running());
    h.turn();
    assert_eq!(h.o.running_managers(), 0);
    assert_eq!(h.live_tasks(), 0);
    // The engine still works without its managers.
    h.o.learn(START, 1).unwrap();
    assert_eq!(h.o.play_next(), Some(1));
}

// ---------------------------------------------------------------------------------------------
// Diff manager

#[test]
fn the_diff_manager_rebuilds_once_the_diffs_exceed_the_limit() {
    let mut h = started(options(5));
    learn_n(&h, 5);
    h.turn();
    assert!(h.rebuilds().is_empty(), "5 does not exceed 5");
    learn_n(&h, 1);
    h.turn();
    assert_eq!(h.rebuilds(), vec![(1, DIFF_LIMIT_REASON.to_owned(), 6)]);
    assert_eq!(h.diffs(), 0);
    assert_eq!(h.o.base_graph().weight(START, 1), 2.0);
}

#[test]
fn the_diff_manager_rebuilds_exactly_once_per_crossing() {
    let mut h = started(options(5));
    for round in 1..=3 {
        for _ in 0..6 {
            learn_n(&h, 1);
            h.turn();
        }
        h.turn();
        assert_eq!(h.diff_rebuilds(), round);
    }
    // A burst far over the limit is still one crossing: one rebuild folds it all.
    learn_n(&h, 40);
    h.turn();
    h.turn();
    assert_eq!(h.diff_rebuilds(), 4);
    assert_eq!(h.rebuilds().last().unwrap().2, 40);
    assert_eq!(h.version(), 4);
}

#[test]
fn the_default_diff_limit_is_fifty() {
    let mut h = started(Options::default());
    learn_n(&h, 50);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 0);
    learn_n(&h, 1);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 1);
}

#[test]
fn every_kind_of_lesson_counts_toward_the_diff_limit() {
    let mut h = started(options(3));
    h.o.feedback(1, 2, 90.0, 100.0).unwrap();
    h.o.feedback(1, 3, 20.0, 100.0).unwrap();
    h.o.feedback(1, 4, 1.0, 100.0).unwrap();
    h.turn();
    assert_eq!(h.diff_rebuilds(), 0);
    let build = h.o.runtime_graph();
    h.o.edit_build(&build, |g| g.reinforce(1, 5, 1.0)).unwrap();
    h.turn();
    assert_eq!(h.rebuilds(), vec![(1, DIFF_LIMIT_REASON.to_owned(), 4)]);
}

#[test]
fn editing_an_old_build_does_not_trigger_the_diff_manager() {
    let mut h = started(options(1));
    let old = h.o.runtime_graph();
    h.o.rebuild_runtime("swap");
    for _ in 0..5 {
        h.o.edit_build(&old, |g| g.reinforce(1, 2, 1.0)).unwrap();
    }
    h.turn();
    assert_eq!(h.diff_rebuilds(), 0);
    assert_eq!(h.diffs(), 0);
}

// ---------------------------------------------------------------------------------------------
// TTL manager

fn ttl(max_runtime_age_ms: u64, ttl_check_interval_ms: u64) -> Options {
    Options {
        max_runtime_age_ms,
        ttl_check_interval_ms,
        ..seed_options()
    }
}

#[test]
fn the_ttl_manager_rebuilds_when_the_build_is_too_old() {
    let mut h = started(ttl(1_000, 100));
    for _ in 0..10 {
        h.advance(100.0); // ages 100 ..= 1000: not older than 1000
    }
    assert!(h.rebuilds().is_empty());
    h.advance(100.0);
    assert_eq!(h.rebuilds(), vec![(1, TTL_REASON.to_owned(), 0)]);
    let build = h.o.runtime_graph();
    assert_eq!(build.borrow().build_reason(), TTL_REASON);
    assert_eq!(build.borrow().built_at(), 2_100.0);
    for _ in 0..10 {
        h.advance(100.0);
    }
    assert_eq!(h.ttl_rebuilds(), 1);
    h.advance(100.0);
    assert_eq!(h.ttl_rebuilds(), 2);
}

#[test]
fn the_ttl_manager_looks_only_every_check_interval() {
    let mut h = started(ttl(1_500, 1_000));
    h.advance(1_000.0); // check: age 1000
    h.advance(600.0); // age 1600, but no check until 2000
    assert!(h.rebuilds().is_empty());
    h.advance(399.0);
    assert!(h.rebuilds().is_empty());
    h.advance(1.0); // check at 2000
    assert_eq!(h.ttl_rebuilds(), 1);
}

#[test]
fn the_ttl_manager_counts_age_from_the_latest_build() {
    let mut h = started(ttl(1_000, 100));
    for _ in 0..9 {
        h.advance(100.0);
    }
    h.o.rebuild_runtime("fresh"); // at age 900
    for _ in 0..10 {
        h.advance(100.0);
    }
    assert_eq!(h.ttl_rebuilds(), 0);
    h.advance(100.0);
    assert_eq!(h.ttl_rebuilds(), 1);
}

#[test]
fn the_ttl_defaults_are_an_hour_checked_every_minute() {
    let mut h = started(Options::default());
    for _ in 0..60 {
        h.advance(60_000.0);
    }
    assert_eq!(
        h.ttl_rebuilds(),
        0,
        "exactly an hour old is not older than an hour"
    );
    h.advance(60_000.0);
    assert_eq!(h.ttl_rebuilds(), 1);
}

#[test]
fn the_ttl_manager_folds_what_was_learned() {
    let mut h = started(ttl(1_000, 500));
    learn_n(&h, 3);
    h.advance(500.0);
    h.advance(500.0);
    h.advance(500.0);
    assert_eq!(h.rebuilds(), vec![(1, TTL_REASON.to_owned(), 3)]);
    assert_eq!(h.o.base_graph().weight(START, 2), 1.0);
}

// ---------------------------------------------------------------------------------------------
// Cooldown manager

#[test]
fn the_cooldown_manager_applies_the_pending_steps() {
    let mut h = started(Options::default());
    h.teach_all(&[(1, 2, 5.0), (START, 7, 1.0)]);
    h.o.feedback(1, 2, 0.0, 10.0).unwrap();
    h.play(1);
    assert_eq!(h.cooldown(1, 2), 3, "the play's step waits for the manager");
    h.turn();
    assert_eq!(h.cooldown(1, 2), 2, "applied by the manager");
    h.play(2);
    // The second play applied the first one's step before picking (a pick never depends on
    // when the executor ran); its own step waits for the manager.
    assert_eq!(h.cooldown(1, 2), 1);
    h.turn();
    assert_eq!(h.cooldown(1, 2), 0);
}

#[test]
fn stop_applies_the_pending_cooldown_steps() {
    let h = started(Options::default());
    h.teach_all(&[(1, 2, 5.0), (START, 7, 1.0)]);
    h.o.feedback(1, 2, 0.0, 10.0).unwrap();
    h.play(2);
    drop(h.o.stop());
    assert_eq!(h.cooldown(1, 2), 1);
    h.play(1);
    assert_eq!(h.cooldown(1, 2), 0, "stopped: a play is a step at once");
}

#[test]
fn pending_cooldown_steps_survive_a_rebuild() {
    let mut h = started(Options::default());
    h.teach_all(&[(1, 2, 5.0), (START, 7, 1.0)]);
    h.o.feedback(1, 2, 0.0, 10.0).unwrap();
    h.play(2);
    h.o.rebuild_runtime("between the plays and the manager");
    h.turn();
    assert_eq!(h.cooldown(1, 2), 1);
}

// ---------------------------------------------------------------------------------------------
// Re-entrance from inside a manager

#[test]
fn a_rebuild_from_inside_the_diff_manager_may_rebuild_and_stop_from_its_listener() {
    let mut h = started(options(2));
    let o = h.o.clone();
    h.o.subscribe(move |e| {
        if let Event::Rebuild { reason, .. } = e {
            if reason == DIFF_LIMIT_REASON {
                o.rebuild_runtime("from the listener");
                drop(o.stop());
            }
        }
    });
    learn_n(&h, 3);
    h.turn();
    assert_eq!(
        h.rebuilds(),
        vec![
            (1, DIFF_LIMIT_REASON.to_owned(), 3),
            (2, "from the listener".to_owned(), 0)
        ]
    );
    assert!(!h.o.running());
    assert_eq!(h.live_tasks(), 0);
    learn_n(&h, 10);
    h.turn();
    assert_eq!(h.rebuilds().len(), 2);
}

#[test]
fn a_rebuild_from_inside_the_ttl_manager_may_rebuild_and_stop_from_its_listener() {
    let mut h = started(ttl(100, 100));
    let o = h.o.clone();
    h.o.subscribe(move |e| {
        if let Event::Rebuild { reason, .. } = e {
            if reason == TTL_REASON {
                o.rebuild_runtime("from the listener");
                drop(o.stop());
            }
        }
    });
    h.advance(100.0);
    h.advance(100.0);
    assert_eq!(h.ttl_rebuilds(), 1);
    assert_eq!(h.rebuilds().len(), 2);
    assert_eq!(h.live_tasks(), 0);
    assert_eq!(h.clock.pending_sleepers(), 0);
}

#[test]
fn a_manager_stopped_from_its_own_listener_does_not_act_again() {
    // The listener runs inside the diff manager's poll: it stops the managers and teaches past
    // the limit. The manager finds the new signals in the same poll, before the executor can
    // drop it; cancelled, it must not rebuild again.
    let mut h = started(options(2));
    let o = h.o.clone();
    let once = Cell::new(true);
    h.o.subscribe(move |e| {
        if matches!(e, Event::Rebuild { .. }) && once.replace(false) {
            drop(o.stop());
            for to in 1..=3 {
                o.learn(START, to).unwrap();
            }
        }
    });
    learn_n(&h, 3);
    h.turn();
    assert_eq!(h.rebuilds().len(), 1);
    assert_eq!(h.diffs(), 3);
    assert_eq!(h.live_tasks(), 0);
}

#[test]
fn a_listener_may_restart_the_managers_from_inside_a_manager() {
    let mut h = started(options(2));
    let o = h.o.clone();
    h.o.subscribe(move |e| {
        if matches!(e, Event::Rebuild { .. }) {
            drop(o.stop());
            o.start().unwrap();
        }
    });
    learn_n(&h, 3);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 1);
    assert_eq!(h.live_tasks(), 3);
    assert_eq!(h.tasks.spawned.get(), 6);
    learn_n(&h, 3);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 2);
    assert_eq!(h.live_tasks(), 3);
}

#[test]
fn a_listener_may_learn_past_the_limit_from_inside_a_manager() {
    // Each rebuild's listener teaches 3 more: the diff manager must rebuild again, once per
    // crossing, without recursion.
    let mut h = started(options(2));
    let o = h.o.clone();
    let budget = Rc::new(Cell::new(3));
    let left = budget.clone();
    h.o.subscribe(move |e| {
        if matches!(e, Event::Rebuild { .. }) && left.get() > 0 {
            left.set(left.get() - 1);
            for to in 1..=3 {
                o.learn(START, to).unwrap();
            }
        }
    });
    learn_n(&h, 3);
    h.turn();
    assert_eq!(h.diff_rebuilds(), 4);
    assert_eq!(budget.get(), 0);
    assert_eq!(h.diffs(), 0);
}

// ---------------------------------------------------------------------------------------------
// Signals outside a run, bursts, and the engine after stop

#[test]
fn signals_sent_before_start_are_harmless() {
    let mut h = Harness::with(options(50));
    h.o.learn(START, 1).unwrap();
    learn_n(&h, 9); // more than the diff channel holds
    h.play(5);
    h.o.feedback(START, 1, 1.0, 100.0).unwrap();
    h.turn();
    h.o.start().unwrap();
    h.turn();
    assert!(h.rebuilds().is_empty());
    assert_eq!(h.diffs(), 11);
    assert_eq!(h.live_tasks(), 3);
}

#[test]
fn signals_sent_after_stop_are_harmless() {
    let mut h = started(options(50));
    let done = watch_stop(&h);
    h.turn();
    assert_eq!(done.get(), Some(0));
    learn_n(&h, 100);
    h.play(20);
    h.turn();
    h.advance(10_000_000.0);
    assert!(h.rebuilds().is_empty());
    assert_eq!(h.live_tasks(), 0);
    // Started again, the diff manager finds the build over its limit: one rebuild, no more.
    h.o.start().unwrap();
    h.turn();
    h.turn();
    assert_eq!(h.rebuilds(), vec![(1, DIFF_LIMIT_REASON.to_owned(), 100)]);
    assert_eq!(h.live_tasks(), 3);
}

#[test]
fn nothing_is_lost_in_a_burst_before_the_executor_runs() {
    let mut h = started(Options {
        max_runtime_diffs: 1_000,
        skip_cooldown: 20,
        ..seed_options()
    });
    h.teach_all(&[(1, 2, 1.0), (START, 3, 1.0), (START, 4, 1.0)]);
    h.turn();
    h.o.feedback(1, 2, 0.0, 100.0).unwrap(); // cooldown 20, penalty 2
    for _ in 0..30 {
        h.o.learn(1, 2).unwrap();
    }
    h.play(7);
    h.o.feedback(1, 2, 50.0, 100.0).unwrap();
    h.play(6);
    h.turn();
    assert_eq!(h.diffs(), 32);
    assert_eq!(h.cooldown(1, 2), 20 - 13);
    let learned = *h.o.runtime_graph().borrow().learned_edge(1, 2).unwrap();
    assert_eq!((learned.bonus, learned.penalty), (31.0, 2.0));
    h.o.rebuild_runtime("fold");
    assert_eq!(h.o.base_graph().weight(1, 2), 1.0 + 31.0 - 2.0);
    assert_eq!(h.o.base_graph().weight(START, 2), 1.0 + 31.0 - 2.0);
}

#[test]
fn a_burst_across_the_diff_limit_is_folded_whole() {
    let mut h = started(options(10));
    for _ in 0..25 {
        h.o.learn(1, 2).unwrap();
    }
    h.turn();
    assert_eq!(h.rebuilds(), vec![(1, DIFF_LIMIT_REASON.to_owned(), 25)]);
    assert_eq!(h.o.base_graph().weight(1, 2), 25.0);
    assert_eq!(h.o.base_graph().weight(START, 2), 25.0);
}

#[test]
fn the_orchestrator_stays_usable_after_stop() {
    let mut h = started(Options {
        max_runtime_diffs: 2,
        max_runtime_age_ms: 10,
        ttl_check_interval_ms: 10,
        ..seed_options()
    });
    h.teach_all(&[(START, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 1, 1.0)]);
    let done = watch_stop(&h);
    h.turn();
    assert_eq!(done.get(), Some(0));
    let before = h.rebuilds().len();
    assert!(h.o.play_next().is_some());
    assert!(h.o.play_next().is_some());
    assert!(h.o.play_back().is_some());
    assert!(h.o.play_next().is_some());
    assert!(h.o.play_next().is_some());
    assert_eq!(h.o.learn(1, 2), Ok(true));
    assert!(h.o.feedback(2, 3, 1.0, 10.0).unwrap().is_some());
    assert!(!h.o.explain_next(usize::MAX).candidates.is_empty());
    assert!(h.o.forget_track(3));
    h.o.reinforce_base(1, 2, 1.0).unwrap();
    h.advance(1_000.0);
    assert_eq!(
        h.rebuilds().len(),
        before,
        "no automatic rebuild once stopped"
    );
    let v = h.version();
    assert_eq!(h.o.rebuild_runtime("by hand"), v + 1);
    assert_eq!(h.o.base_graph().weight(1, 2), 3.0);
}

#[test]
fn dropping_every_orchestrator_handle_ends_the_managers() {
    let h = started(Options::default());
    let Harness {
        mut pool,
        clock,
        o,
        tasks,
        ..
    } = h;
    let other: Orchestrator = o.clone();
    assert_eq!(tasks.live.get(), 3);
    assert_eq!(clock.pending_sleepers(), 1);
    drop(o);
    pool.run_until_stalled();
    assert_eq!(tasks.live.get(), 3, "one handle is left");
    drop(other);
    pool.run_until_stalled();
    assert_eq!(tasks.live.get(), 0);
    assert_eq!(clock.pending_sleepers(), 0);
}
