//! The orchestrator's rules, one test each, on a `LocalPool` with a
//! `ManualClock`. Unless a test starts the managers, cooldown steps apply at once.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be (clippy.toml
// allows them only inside #[test] functions, not in the helpers these files share).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::{assert_close, bonus, edges, seed_options, sources, Harness};
use futures::executor::LocalPool;
use memory_player::engine::{
    EngineError, Event, LearnKind, ManualClock, Options, Orchestrator, PlaySource,
};
use memory_player::model::{ModelError, TrackId, START};

/// A graph where the first generated pick is always 1: its start row holds 1 only (the other
/// tracks stay known at weight 0 there). 1 -> {2: 4, 3: 2, 4: 1}, 2 -> 1, 3 -> 1, 4 -> 1.
fn starting_at_one(options: Options) -> Harness {
    let h = Harness::with(options);
    h.teach_all(&[
        (START, 1, 1.0),
        (1, 2, 4.0),
        (1, 3, 2.0),
        (1, 4, 1.0),
        (2, 1, 1.0),
        (3, 1, 1.0),
        (4, 1, 1.0),
    ]);
    h.drain_start_row_except(&[1]);
    h
}

/// Ten tracks, all in the start row at the same weight and with no row of their own.
fn flat(options: Options, n: TrackId) -> Harness {
    let h = Harness::with(options);
    h.teach_all(&(1..=n).map(|id| (START, id, 1.0)).collect::<Vec<_>>());
    h
}

// ---------------------------------------------------------------------------------------------
// new

#[test]
fn new_has_an_empty_base_and_build_zero_initialization() {
    let h = Harness::new();
    let base = h.o.base_graph();
    assert_eq!(base.track_count(), 0);
    assert_eq!(base.edge_count(), 0);
    let build = h.o.runtime_graph();
    let build = build.borrow();
    assert_eq!(build.build_version(), 0);
    assert_eq!(build.build_reason(), "initialization");
    assert_eq!(build.built_at(), 1_000.0);
    assert_eq!(build.diffs(), 0);
    let chain = h.o.playback_chain();
    assert_eq!(chain.current(), None);
    assert_eq!(chain.back_stack().len(), 0);
    assert!(chain.forward_stack().is_empty());
    assert!(!chain.learning_frozen());
    assert_eq!(chain.history_limit(), 1000);
    assert!(h.events().is_empty());
}

#[test]
fn new_does_not_run_the_managers() {
    let mut h = Harness::new();
    h.turn();
    assert!(!h.o.running());
    assert_eq!(h.o.running_managers(), 0);
    assert_eq!(h.tasks.spawned.get(), 0);
}

#[test]
fn new_rejects_invalid_options() {
    let pool = LocalPool::new();
    for (options, name) in [
        (
            Options {
                top_k: 0,
                ..seed_options()
            },
            "topK",
        ),
        (
            Options {
                gini_threshold: f64::NAN,
                ..seed_options()
            },
            "giniThreshold",
        ),
        (
            Options {
                ttl_check_interval_ms: 0,
                ..seed_options()
            },
            "ttlCheckIntervalMs",
        ),
        (
            Options {
                skip_threshold: 0.5,
                reinforce_threshold: 0.4,
                ..seed_options()
            },
            "skipThreshold",
        ),
        (
            Options {
                skip_penalty: -1.0,
                ..seed_options()
            },
            "skipPenalty",
        ),
    ] {
        let err = Orchestrator::new(options, pool.spawner(), ManualClock::new(0.0)).unwrap_err();
        assert!(err.to_string().contains(name), "{err} names {name}");
    }
}

#[test]
fn default_options_are_the_seed_systems() {
    let o = Options::default();
    assert_eq!(o.max_runtime_diffs, 50);
    assert_eq!(o.max_runtime_age_ms, 3_600_000);
    assert_eq!(o.ttl_check_interval_ms, 60_000);
    assert_eq!(o.gini_threshold, 0.5);
    assert_eq!(o.top_k, 10);
    assert_eq!(o.repeat_window, 8);
    assert_eq!(o.history_limit, 1000);
    assert_eq!(o.reinforce_threshold, 1.0 / 3.0);
    assert_eq!(o.skip_threshold, 0.1);
    assert_eq!((o.reinforce_amount, o.penalty_amount), (1.0, 1.0));
    assert_eq!(
        (o.skip_penalty, o.skip_cooldown, o.penalty_cooldown),
        (2.0, 3, 1)
    );
}

// ---------------------------------------------------------------------------------------------
// rebuild_runtime

#[test]
fn rebuild_version_is_the_previous_plus_one_every_time() {
    let h = Harness::new();
    for expected in 1..=5 {
        assert_eq!(h.o.rebuild_runtime("again"), expected);
        assert_eq!(h.version(), expected);
    }
}

#[test]
fn rebuild_records_its_reason_and_the_clock_time() {
    let mut h = Harness::new();
    h.advance(500.0);
    h.o.rebuild_runtime("manual");
    let build = h.o.runtime_graph();
    assert_eq!(build.borrow().build_reason(), "manual");
    assert_eq!(build.borrow().built_at(), 1_500.0);
    assert_eq!(build.borrow().diffs(), 0);
}

#[test]
fn rebuild_folds_learned_bonuses_into_the_base() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 3.0)]);
    h.o.learn(1, 2).unwrap();
    h.o.learn(1, 2).unwrap();
    h.o.learn(START, 5).unwrap();
    assert_eq!(
        h.o.base_graph().weight(1, 2),
        3.0,
        "not folded before the rebuild"
    );
    h.o.rebuild_runtime("fold");
    let base = h.o.base_graph();
    assert_eq!(base.weight(1, 2), 5.0);
    assert_eq!(base.weight(START, 2), 5.0);
    assert_eq!(base.weight(START, 5), 1.0);
    let build = h.o.runtime_graph();
    assert_eq!(build.borrow().base().weight(1, 2), 5.0);
    assert_eq!(build.borrow().learned().count(), 0);
}

#[test]
fn rebuild_folds_a_penalty_of_three_as_three() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 5.0)]);
    for _ in 0..3 {
        // 20 % listened: a partial listen, penalty 1 each.
        assert_eq!(
            h.o.feedback(1, 2, 20.0, 100.0),
            Ok(Some(LearnKind::Penalty))
        );
    }
    h.o.rebuild_runtime("fold");
    assert_eq!(h.o.base_graph().weight(1, 2), 2.0);
    assert_eq!(h.o.base_graph().weight(START, 2), 2.0);
}

#[test]
fn rebuild_folds_a_single_penalty_of_three_as_three() {
    let h = Harness::with(Options {
        skip_penalty: 3.0,
        ..seed_options()
    });
    h.teach_all(&[(1, 2, 5.0)]);
    assert_eq!(h.o.feedback(1, 2, 0.0, 100.0), Ok(Some(LearnKind::Skip)));
    h.o.rebuild_runtime("fold");
    assert_eq!(h.o.base_graph().weight(1, 2), 2.0);
    assert_eq!(h.o.base_graph().weight(START, 2), 2.0);
}

#[test]
fn rebuild_folds_a_penalty_larger_than_the_weight_down_to_zero_and_keeps_the_edge() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 1.0)]);
    h.o.feedback(1, 2, 0.0, 100.0).unwrap(); // skip: penalty 2
    h.o.rebuild_runtime("fold");
    let base = h.o.base_graph();
    assert_eq!(base.row(1).unwrap().get(2), Some(0.0));
    assert_eq!(base.weight(START, 2), 0.0);
    assert!(base.contains(2));
}

#[test]
fn rebuild_folds_each_lesson_once() {
    let h = Harness::new();
    h.o.learn(1, 2).unwrap();
    h.o.feedback(1, 3, 0.0, 10.0).unwrap();
    h.o.rebuild_runtime("first");
    let once = edges(&h.o.base_graph());
    h.o.rebuild_runtime("second");
    h.o.rebuild_runtime("third");
    assert_eq!(edges(&h.o.base_graph()), once);
}

#[test]
fn rebuild_carries_the_still_active_cooldowns() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 5.0), (START, 9, 1.0)]);
    h.o.feedback(1, 2, 1.0, 100.0).unwrap(); // skip: cooldown 3
    h.o.rebuild_runtime("carry");
    let build = h.o.runtime_graph();
    let carried = *build.borrow().learned_edge(1, 2).unwrap();
    assert_eq!(
        (carried.bonus, carried.penalty, carried.cooldown),
        (0.0, 0.0, 3)
    );
    h.play(1);
    h.o.rebuild_runtime("carry again");
    assert_eq!(h.cooldown(1, 2), 2);
    h.play(2);
    h.o.rebuild_runtime("expired");
    assert!(h.o.runtime_graph().borrow().learned_edge(1, 2).is_none());
}

#[test]
fn rebuild_leaves_the_previous_build_a_consistent_snapshot() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 2.0), (1, 3, 2.0), (START, 9, 1.0)]);
    h.o.learn(1, 2).unwrap();
    h.o.feedback(1, 3, 50.0, 100.0).unwrap(); // reinforce
    let old = h.o.runtime_graph();
    let snapshot = |b: &memory_player::model::RuntimeGraph| {
        (
            b.build_version(),
            b.diffs(),
            b.probabilities(1),
            b.probabilities(START),
            b.learned_edge(1, 2).copied(),
            b.ids().collect::<Vec<_>>(),
            edges(b.base()),
        )
    };
    let before = snapshot(&old.borrow());
    h.o.rebuild_runtime("swap");
    // Everything the engine does next goes to the new build only.
    h.o.learn(1, 2).unwrap();
    h.o.feedback(1, 2, 0.0, 100.0).unwrap();
    h.play(3);
    h.o.forget_track(2);
    h.o.reinforce_base(1, 3, 10.0).unwrap();
    h.o.rebuild_runtime("again");
    assert_eq!(snapshot(&old.borrow()), before);
    assert!(!Rc::ptr_eq(&old, &h.o.runtime_graph()));
}

// ---------------------------------------------------------------------------------------------
// learn

#[test]
fn learn_is_a_bonus_of_one_and_one_diff_on_the_current_build() {
    let h = Harness::new();
    assert_eq!(h.o.learn(1, 2), Ok(true));
    let build = h.o.runtime_graph();
    let build = build.borrow();
    assert_eq!(build.learned_edge(1, 2).unwrap().bonus, 1.0);
    assert_eq!(build.learned_edge(START, 2).unwrap().bonus, 1.0);
    assert_eq!(build.diffs(), 1);
    assert_eq!(build.probabilities(1), vec![(2, 1.0)]);
    // The base changes only at the next rebuild.
    assert_eq!(h.o.base_graph().edge_count(), 0);
}

#[test]
fn learn_is_a_no_op_while_learning_is_frozen() {
    let h = flat(seed_options(), 3);
    h.play(2);
    h.o.play_back().unwrap();
    assert!(h.o.playback_chain().learning_frozen());
    h.clear_events();
    let diffs = h.diffs();
    assert_eq!(h.o.learn(1, 2), Ok(false));
    assert_eq!(h.diffs(), diffs);
    assert!(h.o.runtime_graph().borrow().learned_edge(1, 2).is_none());
    assert!(h.lessons().is_empty());
}

#[test]
fn learn_refuses_the_start_node_as_target() {
    let h = Harness::new();
    assert_eq!(
        h.o.learn(1, START),
        Err(EngineError::Model(ModelError::StartAsTarget))
    );
    assert_eq!(h.diffs(), 0);
    assert!(h.events().is_empty());
}

// ---------------------------------------------------------------------------------------------
// feedback

#[test]
fn feedback_of_at_least_a_third_reinforces() {
    let h = Harness::new();
    assert_eq!(
        h.o.feedback(1, 2, 100.0, 300.0),
        Ok(Some(LearnKind::Reinforce))
    );
    assert_eq!(h.o.feedback(1, 3, 1.0, 3.0), Ok(Some(LearnKind::Reinforce)));
    assert_eq!(
        h.o.feedback(1, 4, 99.9, 300.0),
        Ok(Some(LearnKind::Penalty))
    );
    let build = h.o.runtime_graph();
    let build = build.borrow();
    let l = build.learned_edge(1, 2).unwrap();
    assert_eq!((l.bonus, l.penalty, l.cooldown), (1.0, 0.0, 0));
    assert_eq!(build.learned_edge(START, 2).unwrap().bonus, 1.0);
    assert_eq!(build.diffs(), 3);
}

#[test]
fn feedback_under_ten_percent_is_a_skip_penalty_two_cooldown_three() {
    let h = Harness::new();
    assert_eq!(h.o.feedback(1, 2, 9.9, 100.0), Ok(Some(LearnKind::Skip)));
    assert_eq!(h.o.feedback(1, 3, 0.0, 100.0), Ok(Some(LearnKind::Skip)));
    let build = h.o.runtime_graph();
    let build = build.borrow();
    let l = build.learned_edge(1, 2).unwrap();
    assert_eq!((l.bonus, l.penalty, l.cooldown), (0.0, 2.0, 3));
    let start = build.learned_edge(START, 2).unwrap();
    assert_eq!((start.penalty, start.cooldown), (2.0, 0));
    assert_eq!(build.diffs(), 2);
}

#[test]
fn feedback_between_ten_percent_and_a_third_is_penalty_one_cooldown_one() {
    let h = Harness::new();
    assert_eq!(
        h.o.feedback(1, 2, 10.0, 100.0),
        Ok(Some(LearnKind::Penalty))
    );
    assert_eq!(
        h.o.feedback(1, 3, 33.0, 100.0),
        Ok(Some(LearnKind::Penalty))
    );
    let build = h.o.runtime_graph();
    let l = *build.borrow().learned_edge(1, 2).unwrap();
    assert_eq!((l.bonus, l.penalty, l.cooldown), (0.0, 1.0, 1));
    assert_eq!(build.borrow().learned_edge(START, 2).unwrap().penalty, 1.0);
}

#[test]
fn feedback_progress_is_clamped_to_one() {
    let h = Harness::new();
    assert_eq!(
        h.o.feedback(1, 2, 1_000.0, 10.0),
        Ok(Some(LearnKind::Reinforce))
    );
    assert_eq!(bonus(&h.o, 1, 2), 1.0);
}

#[test]
fn feedback_thresholds_and_amounts_are_options() {
    let h = Harness::with(Options {
        reinforce_threshold: 0.5,
        skip_threshold: 0.25,
        reinforce_amount: 4.0,
        penalty_amount: 1.5,
        penalty_cooldown: 2,
        skip_penalty: 6.0,
        skip_cooldown: 5,
        ..seed_options()
    });
    assert_eq!(
        h.o.feedback(1, 2, 50.0, 100.0),
        Ok(Some(LearnKind::Reinforce))
    );
    assert_eq!(
        h.o.feedback(1, 3, 49.0, 100.0),
        Ok(Some(LearnKind::Penalty))
    );
    assert_eq!(
        h.o.feedback(1, 4, 25.0, 100.0),
        Ok(Some(LearnKind::Penalty))
    );
    assert_eq!(h.o.feedback(1, 5, 24.0, 100.0), Ok(Some(LearnKind::Skip)));
    let build = h.o.runtime_graph();
    let build = build.borrow();
    let get = |to| {
        let l = build.learned_edge(1, to).unwrap();
        (l.bonus, l.penalty, l.cooldown)
    };
    assert_eq!(get(2), (4.0, 0.0, 0));
    assert_eq!(get(3), (0.0, 1.5, 2));
    assert_eq!(get(4), (0.0, 1.5, 2));
    assert_eq!(get(5), (0.0, 6.0, 5));
}

#[test]
fn feedback_rejects_bad_input_and_changes_nothing() {
    let h = Harness::new();
    let listened_bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -1e-9];
    for listened in listened_bad {
        assert_eq!(
            h.o.feedback(1, 2, listened, 100.0),
            Err(EngineError::InvalidListened),
            "{listened}"
        );
    }
    let duration_bad = [0.0, -0.0, -5.0, f64::NAN, f64::INFINITY];
    for duration in duration_bad {
        assert_eq!(
            h.o.feedback(1, 2, 10.0, duration),
            Err(EngineError::InvalidDuration),
            "{duration}"
        );
    }
    assert_eq!(
        h.o.feedback(1, START, 10.0, 100.0),
        Err(EngineError::Model(ModelError::StartAsTarget))
    );
    let build = h.o.runtime_graph();
    assert_eq!(build.borrow().diffs(), 0);
    assert_eq!(build.borrow().learned().count(), 0);
    assert_eq!(build.borrow().ids().count(), 0);
    assert!(h.events().is_empty());
}

#[test]
fn feedback_is_a_no_op_while_learning_is_frozen() {
    let h = flat(seed_options(), 3);
    h.play(2);
    h.o.play_back().unwrap();
    h.clear_events();
    for listened in [0.0, 20.0, 90.0] {
        assert_eq!(h.o.feedback(1, 2, listened, 100.0), Ok(None));
    }
    assert_eq!(h.diffs(), 0);
    assert!(h.o.runtime_graph().borrow().learned_edge(1, 2).is_none());
    assert!(h.lessons().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Frozen learning

#[test]
fn learning_thaws_after_a_generated_next() {
    // The seed's bug: learning stayed frozen after going back and then on to new tracks.
    let h = flat(seed_options(), 5);
    h.play(3);
    h.o.play_back().unwrap();
    assert_eq!(h.o.learn(1, 2), Ok(false));
    h.o.play_next().unwrap(); // forward again: still revisiting
    assert_eq!(h.plays().last().unwrap().1, PlaySource::Forward);
    assert!(h.o.playback_chain().learning_frozen());
    assert_eq!(h.o.learn(1, 2), Ok(false));
    h.o.play_next().unwrap(); // a new, generated track
    assert_eq!(h.plays().last().unwrap().1, PlaySource::Generated);
    assert!(!h.o.playback_chain().learning_frozen());
    assert_eq!(h.o.learn(1, 2), Ok(true));
    assert_eq!(
        h.o.feedback(1, 2, 90.0, 100.0),
        Ok(Some(LearnKind::Reinforce))
    );
}

// ---------------------------------------------------------------------------------------------
// play_next / play_back

#[test]
fn play_next_takes_the_forward_stack_first_and_keeps_learning_frozen() {
    let h = flat(seed_options(), 6);
    let played = h.play(3);
    h.o.play_back().unwrap();
    h.o.play_back().unwrap();
    assert_eq!(h.current(), Some(played[0]));
    h.clear_events();
    assert_eq!(h.o.play_next(), Some(played[1]));
    assert!(h.o.playback_chain().learning_frozen());
    assert_eq!(h.o.play_next(), Some(played[2]));
    assert!(h.o.playback_chain().learning_frozen());
    assert!(h.o.playback_chain().forward_stack().is_empty());
    assert_eq!(
        h.plays(),
        vec![
            (played[1], PlaySource::Forward),
            (played[2], PlaySource::Forward)
        ]
    );
    assert_eq!(
        h.o.playback_chain().back_stack().collect::<Vec<_>>(),
        played[..2].to_vec()
    );
}

#[test]
fn play_next_starts_from_the_start_row_when_nothing_plays() {
    let h = Harness::new();
    // 1 is known (as a source) but nothing ever arrived at it: it is not in the start row.
    h.teach_all(&[(1, 2, 1.0)]);
    assert_eq!(h.o.play_next(), Some(2));
    assert_eq!(h.plays(), vec![(2, PlaySource::Generated)]);
    assert_eq!(h.current(), Some(2));
}

#[test]
fn play_next_follows_the_current_tracks_row() {
    let h = starting_at_one(seed_options());
    assert_eq!(h.o.play_next(), Some(1));
    let second = h.o.play_next().unwrap();
    assert!([2, 3, 4].contains(&second), "{second}");
    // 2, 3 and 4 all lead only to 1.
    assert_eq!(h.o.play_next(), Some(1));
}

#[test]
fn play_next_falls_back_to_the_start_row_when_the_current_track_has_no_positive_successor() {
    let h = Harness::new();
    h.teach_all(&[(START, 1, 1.0), (1, 2, 1.0)]);
    h.o.penalty_base(1, 2, 1.0).unwrap(); // 1 -> 2 and 0 -> 2 at weight 0
    h.o.rebuild_runtime("setup");
    assert_eq!(h.o.play_next(), Some(1));
    h.teach_all(&[(START, 3, 1.0)]);
    // 1's only successor weighs 0: the start row gives 3 (1 is the current track).
    assert_eq!(h.o.play_next(), Some(3));
    // 3 has no row at all: the start row again, where 1 is now the fresh one.
    assert_eq!(h.o.play_next(), Some(1));
}

#[test]
fn play_next_falls_back_to_the_start_row_when_a_cooldown_fines_the_row_to_zero() {
    let h = Harness::new();
    h.teach_all(&[(START, 1, 1.0), (1, 2, 1.0), (START, 5, 1.0)]);
    h.drain_start_row_except(&[1]);
    assert_eq!(h.o.play_next(), Some(1));
    h.edit_cooldown(1, 2, 1); // 1 -> 2 fined to 0: 1 has no candidate left
                              // The start row's only positive track is 1 (recent, but the only one), never 2.
    assert_eq!(h.o.play_next(), Some(1));
    assert_eq!(h.cooldown(1, 2), 0);
    assert_eq!(h.o.play_next(), Some(2));
}

#[test]
fn play_next_picks_the_least_recently_played_known_track_when_the_start_row_is_drained() {
    let h = Harness::new();
    h.teach_all(&[(START, 2, 1.0), (START, 3, 1.0), (3, 1, 1.0)]);
    // Skips and penalties drain every weight to 0; the tracks stay known.
    for (from, to) in [(START, 2), (START, 3), (3, 1)] {
        h.o.penalty_base(from, to, 5.0).unwrap();
    }
    h.o.rebuild_runtime("drained");
    assert_eq!(h.o.base_graph().ids().collect::<Vec<_>>(), vec![1, 2, 3]);
    // Never played first, lowest id first; then the least recently played; the current last.
    assert_eq!(h.play(7), vec![1, 2, 3, 1, 2, 3, 1]);
    assert!(h
        .plays()
        .iter()
        .all(|(_, source)| *source == PlaySource::Generated));
}

#[test]
fn play_next_with_a_single_known_track_plays_it_again() {
    let h = Harness::new();
    h.teach_all(&[(START, 4, 1.0)]);
    assert_eq!(h.play(3), vec![4, 4, 4]);
}

#[test]
fn play_next_returns_none_only_when_no_track_is_known() {
    let h = Harness::new();
    assert_eq!(h.o.play_next(), None);
    assert!(h.events().is_empty());
    assert_eq!(h.current(), None);
    // Known at weight 0 is enough.
    h.o.penalty_base(START, 4, 1.0).unwrap();
    h.o.rebuild_runtime("known");
    assert_eq!(h.o.play_next(), Some(4));
    h.o.forget_track(4);
    assert_eq!(h.o.play_next(), None);
    assert_eq!(h.current(), Some(4), "a refused play changes nothing");
}

#[test]
fn play_next_sees_tracks_learned_since_the_build() {
    let h = Harness::new();
    h.o.learn(START, 6).unwrap();
    assert_eq!(h.o.play_next(), Some(6));
}

#[test]
fn play_back_steps_back_and_freezes_learning() {
    let h = flat(seed_options(), 5);
    let played = h.play(3);
    h.clear_events();
    assert_eq!(h.o.play_back(), Some(played[1]));
    let chain = h.o.playback_chain();
    assert_eq!(chain.current(), Some(played[1]));
    assert_eq!(chain.forward_stack(), &[played[2]]);
    assert!(chain.learning_frozen());
    assert_eq!(h.plays(), vec![(played[1], PlaySource::Back)]);
}

#[test]
fn play_back_fails_with_nothing_to_go_back_to() {
    let h = flat(seed_options(), 2);
    assert_eq!(h.o.play_back(), None);
    h.play(1);
    assert_eq!(h.o.play_back(), None);
    assert!(!h.o.playback_chain().learning_frozen());
    assert_eq!(h.plays().len(), 1);
}

#[test]
fn the_back_stack_is_bounded_by_the_history_limit() {
    let h = flat(
        Options {
            history_limit: 3,
            ..seed_options()
        },
        10,
    );
    let played = h.play(12);
    let chain = h.o.playback_chain();
    assert_eq!(
        chain.back_stack().collect::<Vec<_>>(),
        played[8..11].to_vec()
    );
    for expected in played[8..11].iter().rev() {
        assert_eq!(h.o.play_back(), Some(*expected));
    }
    assert_eq!(h.o.play_back(), None);
}

#[test]
fn the_repeat_window_holds_recent_tracks_back_while_others_exist() {
    let h = flat(seed_options(), 10);
    let played = h.play(9);
    let mut distinct = played.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 9, "{played:?}");
}

#[test]
fn the_repeat_window_is_an_option() {
    let h = flat(
        Options {
            repeat_window: 2,
            ..seed_options()
        },
        3,
    );
    let played = h.play(30);
    for w in played.windows(3) {
        assert!(w[0] != w[1] && w[1] != w[2] && w[0] != w[2], "{played:?}");
    }
}

#[test]
fn the_repeat_window_counts_exactly_the_last_n_plays() {
    let h = flat(
        Options {
            repeat_window: 2,
            ..seed_options()
        },
        5,
    );
    let played = h.play(3);
    let recent: Vec<TrackId> =
        h.o.explain_next(usize::MAX)
            .candidates
            .iter()
            .filter(|e| e.recent)
            .map(|e| e.id)
            .collect();
    let mut expected = played[1..].to_vec();
    expected.sort_unstable();
    assert_eq!(
        recent, expected,
        "{played:?}: the current and the one before"
    );
}

#[test]
fn when_every_candidate_is_recent_the_least_recently_played_goes_and_the_current_last() {
    let h = flat(seed_options(), 3);
    let played = h.play(9);
    assert_eq!(&played[3..6], &played[0..3], "{played:?}");
    assert_eq!(&played[6..9], &played[0..3], "{played:?}");
    let mut first = played[0..3].to_vec();
    first.sort_unstable();
    assert_eq!(first, vec![1, 2, 3]);
}

#[test]
fn back_and_forward_plays_count_in_the_repeat_window() {
    let h = flat(
        Options {
            repeat_window: 2,
            ..seed_options()
        },
        3,
    );
    let played = h.play(2); // a, b
    h.o.play_back().unwrap(); // a again: the last two plays are b and a
    h.o.play_next().unwrap(); // forward to b: the last two plays are a and b
    assert_eq!(h.o.play_next().unwrap(), 6 - played[0] - played[1]);
}

#[test]
fn the_same_seed_gives_the_same_picks() {
    let run = |seed| {
        let h = Harness::with(Options {
            seed,
            ..seed_options()
        });
        let mut edges = Vec::new();
        for from in 0..8 {
            for to in 1..8 {
                edges.push((from, to, f64::from((from * 7 + to * 3) % 5 + 1)));
            }
        }
        h.teach_all(&edges);
        let mut picks = Vec::new();
        for i in 0..60 {
            let prev = h.current();
            let id = h.o.play_next().unwrap();
            picks.push(id);
            if let Some(prev) = prev {
                let listened = f64::from((i * 37) % 100);
                h.o.feedback(prev, id, listened, 100.0).unwrap();
            }
            if i % 17 == 0 {
                h.o.rebuild_runtime("periodic");
            }
        }
        picks
    };
    assert_eq!(run(7), run(7));
    let seeds: Vec<Vec<TrackId>> = (0..4).map(run).collect();
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "the seed matters");
}

// ---------------------------------------------------------------------------------------------
// Cooldowns

/// 1 -> 2 weighs 3; a skip takes 2 and sets a cooldown of 3, so the edge is fined to 0 while
/// the cooldown lasts, and weighs 1 once it is gone. 9 is another track to play.
fn cooled(options: Options) -> Harness {
    let h = Harness::with(options);
    h.teach_all(&[(1, 2, 3.0), (START, 9, 1.0), (START, 8, 1.0)]);
    assert_eq!(h.o.feedback(1, 2, 0.0, 100.0), Ok(Some(LearnKind::Skip)));
    h
}

#[test]
fn a_cooldown_blocks_its_edge_for_n_generated_plays() {
    let h = cooled(seed_options());
    for left in [3, 2, 1] {
        assert_eq!(h.cooldown(1, 2), left);
        assert_eq!(h.probability(1, 2), 0.0);
        h.play(1);
    }
    assert_eq!(h.cooldown(1, 2), 0);
    assert_eq!(h.probability(1, 2), 1.0);
}

#[test]
fn a_cooldown_blocks_its_edge_for_n_generated_plays_with_the_managers_running() {
    let mut h = cooled(seed_options());
    h.o.start().unwrap();
    h.turn();
    for left in [3, 2, 1] {
        assert_eq!(h.cooldown(1, 2), left);
        assert_eq!(h.probability(1, 2), 0.0);
        h.play(1);
        h.turn();
    }
    assert_eq!(h.cooldown(1, 2), 0);
    assert_eq!(h.probability(1, 2), 1.0);
}

#[test]
fn every_generated_play_is_one_cooldown_step_even_in_a_burst() {
    let mut h = cooled(Options {
        skip_cooldown: 10,
        ..seed_options()
    });
    h.o.start().unwrap();
    h.turn();
    h.play(4); // the cooldown channel holds one signal: the rest coalesce
    h.turn();
    assert_eq!(h.cooldown(1, 2), 6);
    h.play(5);
    h.turn();
    assert_eq!(h.cooldown(1, 2), 1);
    h.play(3);
    h.turn();
    assert_eq!(h.cooldown(1, 2), 0);
}

#[test]
fn a_cooldown_set_after_a_play_is_not_shortened_by_that_play() {
    // An app that, on "next", first plays the next track and then reports the skip of the
    // previous one, in the same event handler: the play's step is still pending when the
    // cooldown is set, and must not count against it.
    let mut h = Harness::new();
    h.teach_all(&[(1, 2, 3.0), (START, 9, 1.0)]);
    h.o.start().unwrap();
    h.turn();
    h.play(1);
    h.o.feedback(1, 2, 0.0, 100.0).unwrap();
    h.turn();
    assert_eq!(h.cooldown(1, 2), 3);
    h.play(1);
    h.turn();
    assert_eq!(h.cooldown(1, 2), 2);
}

#[test]
fn back_and_forward_plays_are_not_cooldown_steps() {
    let h = cooled(seed_options());
    h.play(2);
    assert_eq!(h.cooldown(1, 2), 1);
    h.o.play_back().unwrap();
    h.o.play_next().unwrap(); // forward
    assert_eq!(h.cooldown(1, 2), 1);
    h.play(1); // generated
    assert_eq!(h.cooldown(1, 2), 0);
}

#[test]
fn a_cooldown_fines_only_its_edge_not_the_start_row() {
    let h = cooled(seed_options());
    // The start row lost the penalty (3 - 2) but carries no cooldown.
    assert_eq!(h.cooldown(START, 2), 0);
    assert!(h.probability(START, 2) > 0.0);
}

// ---------------------------------------------------------------------------------------------
// explain_next

#[test]
fn explain_next_shows_each_candidates_components_and_probability() {
    let h = starting_at_one(seed_options());
    assert_eq!(h.o.play_next(), Some(1));
    h.o.learn(1, 3).unwrap(); // 2 + 1
    h.o.feedback(1, 4, 20.0, 100.0).unwrap(); // 1 - 1 - cooldown 1: 0
    let mut explained = h.o.explain_next(usize::MAX).candidates;
    explained.sort_by_key(|e| e.id);
    let rows: Vec<_> = explained
        .iter()
        .map(|e| (e.id, e.base, e.bonus, e.penalty, e.cooldown, e.recent))
        .collect();
    assert_eq!(
        rows,
        vec![
            (2, 4.0, 0.0, 0.0, 0, false),
            (3, 2.0, 1.0, 0.0, 0, false),
            (4, 1.0, 0.0, 1.0, 1, false),
        ]
    );
    // Fined 4, 3, 0: Gini 24/49 <= 0.5, so by weight.
    assert_close(explained[0].probability, 4.0 / 7.0);
    assert_close(explained[1].probability, 3.0 / 7.0);
    assert_eq!(explained[2].probability, 0.0);
}

#[test]
fn explain_next_marks_recent_candidates_and_gives_them_no_chance() {
    let h = Harness::new();
    h.teach_all(&[(START, 1, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0)]);
    h.drain_start_row_except(&[1]);
    assert_eq!(h.play(2), vec![1, 2]);
    let mut explained = h.o.explain_next(usize::MAX).candidates;
    explained.sort_by_key(|e| e.id);
    let view: Vec<_> = explained
        .iter()
        .map(|e| (e.id, e.recent, e.probability))
        .collect();
    assert_eq!(view, vec![(1, true, 0.0), (3, false, 1.0)]);
    assert_eq!(h.o.play_next(), Some(3));
    // 3 has no row; the start row's only positive candidate is recent: it still goes.
    let explained = h.o.explain_next(usize::MAX).candidates;
    let one = explained.iter().find(|e| e.id == 1).unwrap();
    assert!(one.recent);
    assert_eq!(one.probability, 1.0);
    assert_eq!(h.o.play_next(), Some(1));
}

#[test]
fn explain_next_probabilities_sum_to_one_over_the_candidates() {
    let h = Harness::with(Options {
        top_k: 4,
        ..seed_options()
    });
    let mut graph = Vec::new();
    for from in 0..12 {
        for to in 1..12 {
            graph.push((from, to, f64::from((from * 5 + to * 11) % 7)));
        }
    }
    h.teach_all(&graph);
    for step in 0..40 {
        let explained = h.o.explain_next(usize::MAX).candidates;
        assert!(!explained.is_empty());
        let total: f64 = explained.iter().map(|e| e.probability).sum();
        assert_close(total, 1.0);
        assert!(explained.iter().all(|e| e.probability >= 0.0));
        assert!(explained.iter().filter(|e| e.probability > 0.0).count() <= 4);
        let id = h.o.play_next().unwrap();
        let chance = explained.iter().find(|e| e.id == id).unwrap().probability;
        assert!(chance > 0.0, "step {step}: picked {id} at chance 0");
        if step % 3 == 0 {
            h.o.feedback(START, id, 1.0, 100.0).unwrap();
        }
    }
}

#[test]
fn explain_next_in_top_k_mode_gives_the_k_heaviest_an_equal_chance() {
    let h = flat(seed_options(), 12); // Gini 11/12: uniform among the top 10
    let explained = h.o.explain_next(usize::MAX).candidates;
    let chances: Vec<(TrackId, f64)> = explained.iter().map(|e| (e.id, e.probability)).collect();
    for (id, p) in &chances {
        let expected = if *id <= 10 { 0.1 } else { 0.0 };
        assert_close(*p, expected);
    }
    assert_eq!(chances.len(), 12);
}

#[test]
fn explain_next_consumes_no_randomness() {
    let run = |explain: bool| {
        let h = flat(seed_options(), 20);
        (0..30)
            .map(|_| {
                if explain {
                    h.o.explain_next(usize::MAX);
                }
                h.o.play_next().unwrap()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn explain_next_is_empty_when_no_track_is_known_and_single_on_fallback() {
    let h = Harness::new();
    assert!(h.o.explain_next(usize::MAX).candidates.is_empty());
    h.o.penalty_base(START, 5, 1.0).unwrap();
    h.o.rebuild_runtime("known at 0");
    let explained = h.o.explain_next(usize::MAX).candidates;
    assert_eq!(explained.len(), 1);
    assert_eq!((explained[0].id, explained[0].probability), (5, 1.0));
}

// ---------------------------------------------------------------------------------------------
// forget_track

/// 1 <-> 2 <-> 3 and the start row, with lessons and a cooldown on edges into 2.
fn with_two_everywhere() -> Harness {
    let h = Harness::new();
    h.teach_all(&[
        (1, 2, 2.0),
        (2, 1, 2.0),
        (2, 3, 2.0),
        (3, 2, 2.0),
        (3, 1, 1.0),
        (1, 3, 1.0),
    ]);
    h.o.learn(2, 3).unwrap();
    h.o.learn(1, 2).unwrap();
    h.o.feedback(3, 2, 0.0, 100.0).unwrap();
    h
}

#[test]
fn forget_track_removes_it_from_both_graphs_as_source_and_target() {
    let h = with_two_everywhere();
    assert!(h.o.forget_track(2));
    let base = h.o.base_graph();
    assert!(!base.contains(2));
    assert!(base.row(2).is_none());
    assert!(edges(&base).iter().all(|(_, to, _)| *to != 2));
    assert_eq!(base.edge_count(), edges(&base).len());
    let build = h.o.runtime_graph();
    let build = build.borrow();
    assert!(!build.contains(2));
    assert!(!build.ids().any(|id| id == 2));
    for from in sources(&build) {
        build.for_each_edge(from, |e| assert_ne!(e.to, 2));
    }
    assert!(build.probabilities(2).is_empty());
    for (from, row) in build.learned() {
        assert_ne!(from, 2);
        assert!(row.iter().all(|l| l.to != 2));
    }
}

#[test]
fn forget_track_removes_its_cooldowns_and_lessons_for_good() {
    let h = with_two_everywhere();
    assert_eq!(h.cooldown(3, 2), 3);
    h.o.forget_track(2);
    assert_eq!(h.cooldown(3, 2), 0);
    h.o.rebuild_runtime("after forget");
    let build = h.o.runtime_graph();
    assert_eq!(build.borrow().learned().count(), 0, "no cooldown carried");
    assert!(!h.o.base_graph().contains(2), "no lesson folded back in");
}

#[test]
fn forget_track_removes_it_from_the_chain_stacks() {
    let h = flat(
        Options {
            repeat_window: 1,
            ..seed_options()
        },
        3,
    );
    let played = h.play(8);
    h.o.play_back().unwrap();
    h.o.play_back().unwrap();
    let gone = (1..=3).find(|id| Some(*id) != h.current()).unwrap();
    h.o.forget_track(gone);
    let chain = h.o.playback_chain();
    assert!(!chain.back_stack().any(|id| id == gone), "{played:?}");
    assert!(!chain.forward_stack().contains(&gone));
}

#[test]
fn forget_track_keeps_a_playing_track_current_until_the_next_play() {
    let h = flat(seed_options(), 4);
    let played = h.play(3);
    let playing = played[2];
    assert!(h.o.forget_track(playing));
    assert_eq!(h.current(), Some(playing));
    let next = h.o.play_next().unwrap();
    assert_ne!(next, playing);
    let chain = h.o.playback_chain();
    assert!(
        !chain.back_stack().any(|id| id == playing),
        "a deleted track must not come back through the back stack"
    );
    assert_eq!(h.o.play_back(), Some(played[1]));
    assert!(!h.o.playback_chain().forward_stack().contains(&playing));
}

#[test]
fn forget_track_of_the_playing_track_then_back_does_not_keep_it_forward() {
    let h = flat(seed_options(), 4);
    let played = h.play(2);
    h.o.forget_track(played[1]);
    assert_eq!(h.o.play_back(), Some(played[0]));
    assert!(h.o.playback_chain().forward_stack().is_empty());
    // The forward stack is empty, so the next play is generated, and never the deleted track.
    assert_ne!(h.o.play_next(), Some(played[1]));
}

#[test]
fn a_forgotten_track_is_never_picked_again() {
    let h = with_two_everywhere();
    h.o.forget_track(2);
    for _ in 0..3 {
        let played = h.play(30);
        assert!(!played.contains(&2));
        assert!(h
            .o
            .explain_next(usize::MAX)
            .candidates
            .iter()
            .all(|e| e.id != 2));
        h.o.rebuild_runtime("again");
    }
}

#[test]
fn a_forgotten_track_comes_back_once_taught_again() {
    let h = Harness::new();
    h.teach_all(&[(START, 1, 1.0), (START, 2, 1.0)]);
    h.o.forget_track(2);
    assert!(h.play(10).iter().all(|id| *id == 1));
    h.o.learn(1, 2).unwrap();
    assert!(h.o.runtime_graph().borrow().contains(2));
    assert!(h.play(10).contains(&2));
}

#[test]
fn forget_track_of_an_unknown_track_is_false_and_changes_nothing() {
    let h = with_two_everywhere();
    let before = edges(&h.o.base_graph());
    assert!(!h.o.forget_track(77));
    assert_eq!(edges(&h.o.base_graph()), before);
    assert_eq!(h.diffs(), 3);
}

#[test]
fn forget_track_of_the_start_node_changes_nothing() {
    let h = Harness::new();
    h.teach_all(&[(1, 2, 1.0)]);
    h.o.learn(1, 2).unwrap();
    assert!(!h.o.forget_track(START));
    assert_eq!(h.probability(START, 2), 1.0);
    h.o.rebuild_runtime("fold");
    // The start row's lesson was not wiped: 1 + 1.
    assert_eq!(h.o.base_graph().weight(START, 2), 2.0);
}

// ---------------------------------------------------------------------------------------------
// Accessors

#[test]
fn base_graph_is_a_snapshot_and_base_edits_reach_the_build_at_the_next_rebuild() {
    let h = Harness::new();
    let before = h.o.base_graph();
    h.o.reinforce_base(1, 2, 2.0).unwrap();
    h.o.penalty_base(1, 2, 0.5).unwrap();
    assert_eq!(before.edge_count(), 0);
    assert_eq!(h.o.base_graph().weight(1, 2), 1.5);
    assert_eq!(h.o.base_graph().weight(START, 2), 1.5);
    assert!(h.o.runtime_graph().borrow().probabilities(1).is_empty());
    h.o.rebuild_runtime("see it");
    assert_eq!(h.probability(1, 2), 1.0);
    assert_eq!(
        h.o.reinforce_base(1, START, 1.0),
        Err(ModelError::StartAsTarget)
    );
    assert_eq!(
        h.o.penalty_base(1, 2, f64::NAN),
        Err(ModelError::InvalidAmount)
    );
    assert_eq!(h.o.base_graph().weight(1, 2), 1.5);
}

#[test]
fn playback_chain_is_a_copy() {
    let h = flat(seed_options(), 3);
    h.play(2);
    let mut copy = h.o.playback_chain();
    copy.next(99);
    copy.back();
    assert_ne!(h.o.playback_chain(), copy);
    assert_ne!(h.current(), Some(99));
}

#[test]
fn runtime_graph_is_the_current_build() {
    let h = Harness::new();
    let a = h.o.runtime_graph();
    assert!(Rc::ptr_eq(&a, &h.o.runtime_graph()));
    h.o.rebuild_runtime("next");
    assert!(!Rc::ptr_eq(&a, &h.o.runtime_graph()));
    assert_eq!(h.o.runtime_graph().borrow().build_version(), 1);
}

// ---------------------------------------------------------------------------------------------
// Events

#[test]
fn events_tell_each_play_with_its_source() {
    let h = flat(seed_options(), 5);
    let played = h.play(3);
    h.o.play_back().unwrap();
    h.o.play_next().unwrap();
    assert_eq!(
        h.plays(),
        vec![
            (played[0], PlaySource::Generated),
            (played[1], PlaySource::Generated),
            (played[2], PlaySource::Generated),
            (played[1], PlaySource::Back),
            (played[2], PlaySource::Forward),
        ]
    );
}

#[test]
fn events_tell_each_rebuild_with_version_reason_and_diffs_folded() {
    let h = Harness::new();
    h.o.learn(1, 2).unwrap();
    h.o.learn(1, 3).unwrap();
    h.o.feedback(1, 4, 0.0, 10.0).unwrap();
    h.o.rebuild_runtime("first");
    h.o.rebuild_runtime("second");
    assert_eq!(
        h.rebuilds(),
        vec![(1, "first".to_owned(), 3), (2, "second".to_owned(), 0)]
    );
}

#[test]
fn events_tell_each_learning_change_with_its_kind() {
    let h = Harness::new();
    h.o.learn(1, 2).unwrap();
    h.o.feedback(1, 3, 90.0, 100.0).unwrap();
    h.o.feedback(1, 4, 20.0, 100.0).unwrap();
    h.o.feedback(1, 5, 1.0, 100.0).unwrap();
    let _ = h.o.feedback(1, 6, f64::NAN, 100.0);
    let _ = h.o.learn(1, START);
    assert_eq!(
        h.lessons(),
        vec![
            (1, 2, LearnKind::Reinforce),
            (1, 3, LearnKind::Reinforce),
            (1, 4, LearnKind::Penalty),
            (1, 5, LearnKind::Skip),
        ]
    );
}

#[test]
fn unsubscribe_ends_delivery() {
    let h = flat(seed_options(), 3);
    let seen = Rc::new(Cell::new(0));
    let counter = seen.clone();
    let sub = h.o.subscribe(move |_| counter.set(counter.get() + 1));
    h.play(1);
    assert!(h.o.unsubscribe(sub));
    assert!(!h.o.unsubscribe(sub));
    h.play(1);
    assert_eq!(seen.get(), 1);
}

/// A listener that gets its own handle on the orchestrator (a cycle; fine in a test).
fn listen(h: &Harness, f: impl Fn(&Orchestrator, &Event) + 'static) {
    let o = h.o.clone();
    h.o.subscribe(move |e| f(&o, e));
}

#[test]
fn a_listener_may_call_play_next() {
    let h = flat(seed_options(), 5);
    let again = Cell::new(true);
    listen(&h, move |o, e| {
        if matches!(e, Event::Play { .. }) && again.replace(false) {
            assert!(o.play_next().is_some());
        }
    });
    let first = h.o.play_next().unwrap();
    let plays = h.plays();
    assert_eq!(plays.len(), 2);
    assert_eq!(plays[0].0, first);
    assert_eq!(
        h.o.playback_chain().back_stack().collect::<Vec<_>>(),
        [first]
    );
}

#[test]
fn a_listener_may_call_learn() {
    let h = flat(seed_options(), 5);
    listen(&h, |o, e| {
        if let Event::Play { id, .. } = e {
            assert_eq!(o.learn(START, *id), Ok(true));
        }
    });
    h.clear_events();
    let id = h.o.play_next().unwrap();
    assert_eq!(
        h.events(),
        vec![
            Event::Play {
                id,
                source: PlaySource::Generated
            },
            Event::Learn {
                from: START,
                to: id,
                kind: LearnKind::Reinforce
            }
        ]
    );
    assert_eq!(h.diffs(), 1);
}

#[test]
fn a_listener_may_call_rebuild_runtime() {
    let h = Harness::new();
    listen(&h, |o, e| {
        if matches!(e, Event::Learn { .. }) {
            o.rebuild_runtime("from a listener");
        }
    });
    h.o.learn(1, 2).unwrap();
    assert_eq!(h.rebuilds(), vec![(1, "from a listener".to_owned(), 1)]);
    assert_eq!(h.o.base_graph().weight(1, 2), 1.0);
}

#[test]
fn a_listener_may_call_stop() {
    let mut h = flat(seed_options(), 5);
    h.o.start().unwrap();
    h.turn();
    listen(&h, |o, e| {
        if matches!(e, Event::Play { .. }) {
            drop(o.stop());
        }
    });
    h.play(1);
    assert!(!h.o.running());
    h.turn();
    assert_eq!(h.o.running_managers(), 0);
    assert_eq!(h.live_tasks(), 0);
}

#[test]
fn a_listener_may_call_every_method() {
    let mut h = flat(seed_options(), 6);
    h.o.start().unwrap();
    h.turn();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    listen(&h, move |o, _| {
        // Every method, from inside deliveries; the events they cause are delivered by the
        // same loop, so a budget (not the stack depth) bounds the chain reaction.
        if c.get() >= 5 {
            return;
        }
        c.set(c.get() + 1);
        let b = o.runtime_graph();
        let _ = b.borrow().probabilities(START);
        let _ = o.explain_next(usize::MAX);
        let _ = o.base_graph().edge_count();
        let _ = o.playback_chain().current();
        let _ = o.learn(1, 2);
        let _ = o.feedback(2, 3, 5.0, 100.0);
        let _ = o.reinforce_base(3, 4, 1.0);
        let _ = o.penalty_base(3, 4, 0.5);
        let _ = o.edit_build(&b, |g| g.reinforce(4, 5, 1.0));
        let _ = o.play_next();
        let _ = o.play_back();
        let _ = o.forget_track(6);
        o.rebuild_runtime("listener");
        drop(o.stop());
        let _ = o.start();
        let s = o.subscribe(|_| {});
        o.unsubscribe(s);
        let _ = o.running_managers();
    });
    h.play(1);
    h.turn();
    assert_eq!(calls.get(), 5);
    assert!(h.o.running());
    assert_eq!(h.o.running_managers(), 3);
    assert_eq!(h.live_tasks(), 3);
    // The engine is still consistent.
    let versions: Vec<u64> = h.rebuilds().iter().map(|r| r.0).collect();
    assert!(
        versions.windows(2).all(|w| w[1] == w[0] + 1),
        "{versions:?}"
    );
    assert_eq!(versions.last().copied(), Some(h.version()));
}

#[test]
fn events_are_delivered_in_order_to_every_listener() {
    let h = flat(seed_options(), 5);
    // The first listener reacts to a play by learning; the event it causes is delivered after
    // the play, to every listener, never in the middle of the play's delivery.
    listen(&h, |o, e| {
        if let Event::Play { id, .. } = e {
            o.learn(START, *id).unwrap();
        }
    });
    let second: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = second.clone();
    h.o.subscribe(move |e| sink.borrow_mut().push(e.clone()));
    h.clear_events();
    let a = h.o.play_next().unwrap();
    let b = h.o.play_next().unwrap();
    let expected = vec![
        Event::Play {
            id: a,
            source: PlaySource::Generated,
        },
        Event::Learn {
            from: START,
            to: a,
            kind: LearnKind::Reinforce,
        },
        Event::Play {
            id: b,
            source: PlaySource::Generated,
        },
        Event::Learn {
            from: START,
            to: b,
            kind: LearnKind::Reinforce,
        },
    ];
    assert_eq!(*second.borrow(), expected);
    assert_eq!(h.events(), expected);
}

#[test]
fn a_listener_may_unsubscribe_itself() {
    let h = flat(seed_options(), 3);
    let seen = Rc::new(Cell::new(0));
    let slot: Rc<Cell<Option<memory_player::engine::Subscription>>> = Rc::default();
    let (counter, me, o) = (seen.clone(), slot.clone(), h.o.clone());
    let sub = h.o.subscribe(move |_| {
        counter.set(counter.get() + 1);
        if let Some(s) = me.get() {
            o.unsubscribe(s);
        }
    });
    slot.set(Some(sub));
    h.play(3);
    assert_eq!(seen.get(), 1);
}
