//! What a music app needs from the engine, natively: the listener's own choices
//! (`play_track`), the queue, history import (`learn_history`), and lessons that cost
//! O(log n) however many pile up in one build.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Instant;

use common::{bonus, seed_options, Harness};
use futures::executor::LocalPool;
use memory_player::engine::{
    EngineError, Event, HistoryPlay, LearnKind, ManualClock, Options, Orchestrator, PlaySource,
    Refusal, MAX_QUEUE,
};
use memory_player::model::{BaseGraph, Evidence, ModelError, Replay, RuntimeGraph, TrackId, START};

/// Tracks 1..=n, each leading to the next (weight 2) and to the one after (weight 1).
fn ring(options: Options, n: TrackId) -> Harness {
    let h = Harness::with(options);
    for id in 1..=n {
        h.teach(id, id % n + 1, 2.0);
        h.teach(id, (id + 1) % n + 1, 1.0);
    }
    h.o.rebuild_runtime("ring");
    h
}

fn restored(o: &Orchestrator) -> Orchestrator {
    Orchestrator::restore(
        &o.snapshot(),
        LocalPool::new().spawner(),
        ManualClock::new(0.0),
    )
    .unwrap()
}

fn transition(o: &Orchestrator, from: TrackId, to: TrackId) -> Evidence {
    let taste = o.snapshot().taste.unwrap();
    let decay = 1.0 / taste.factor;
    taste
        .transitions
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map_or(Evidence::default(), |(_, _, e)| Evidence {
            heard: e.heard * decay,
            skipped: e.skipped * decay,
        })
}

// ---------------------------------------------------------------------------------------------
// play_track

#[test]
fn a_chosen_track_is_played_like_a_generated_pick_and_learned_as_a_choice() {
    let h = ring(seed_options(), 6);
    let first = h.o.play_next().unwrap();
    h.o.play_back(); // nothing behind: stays put
    let second = h.o.play_next().unwrap();
    assert_eq!(h.o.play_back(), Some(first));
    assert!(h.o.playback_chain().learning_frozen());
    assert_eq!(h.o.playback_chain().forward_stack(), &[second]);
    h.clear_events();

    // Picked while revisiting: the chain moves on as after a generated pick.
    assert_eq!(h.o.play_track(5), Ok(true));
    let chain = h.o.playback_chain();
    assert_eq!(chain.current(), Some(5));
    assert_eq!(chain.back_stack().last(), Some(first));
    assert!(chain.forward_stack().is_empty());
    assert!(!chain.learning_frozen());
    assert_eq!(
        h.events(),
        vec![
            Event::Play {
                id: 5,
                source: PlaySource::Chosen
            },
            Event::Learn {
                from: first,
                to: 5,
                kind: LearnKind::Choice
            },
        ]
    );
    // The transition from the track before it, as a choice of choiceAmount (default 1, like
    // reinforceAmount), mirrored on the start row like any lesson.
    assert_eq!(bonus(&h.o, first, 5), 1.0);
    assert_eq!(bonus(&h.o, START, 5), 1.0);
    assert_eq!(h.diffs(), 1);
    // The seed rules keep no taste (the default policy's is tested below).
    assert_eq!(transition(&h.o, first, 5), Evidence::default());
    // The repeat window counts it: 5 is held back from the next generated pick.
    assert!(h
        .o
        .explain_next(usize::MAX)
        .candidates
        .iter()
        .all(|c| c.id != 5 || c.recent));
    // Learning goes on after it as after any play.
    assert_eq!(
        h.o.feedback(5, 6, 100.0, 100.0),
        Ok(Some(LearnKind::Reinforce))
    );
}

#[test]
fn under_the_default_policy_a_choice_is_an_answer_heard_out_for_the_taste() {
    let h = ring(Options::default(), 6);
    let first = h.o.play_next().unwrap();
    let chosen = if first == 3 { 4 } else { 3 };
    assert_eq!(h.o.play_track(chosen), Ok(true));
    assert!(transition(&h.o, first, chosen).heard > 0.9);
    assert_eq!(transition(&h.o, first, chosen).skipped, 0.0);
}

#[test]
fn the_choice_amount_is_an_option_and_the_first_choice_is_learned_from_the_start_node() {
    let h = ring(
        Options {
            choice_amount: 4.0,
            ..seed_options()
        },
        4,
    );
    assert_eq!(h.o.play_track(3), Ok(true));
    assert_eq!(bonus(&h.o, START, 3), 4.0);
    assert_eq!(h.lessons(), vec![(START, 3, LearnKind::Choice)]);
    assert_eq!(h.o.play_track(1), Ok(true));
    assert_eq!(bonus(&h.o, 3, 1), 4.0);
    assert_eq!(bonus(&h.o, START, 1), 4.0);
}

#[test]
fn picking_the_track_that_plays_replays_it_and_teaches_nothing() {
    let h = ring(seed_options(), 4);
    h.o.play_track(2).unwrap();
    h.clear_events();
    assert_eq!(h.o.play_track(2), Ok(false));
    let chain = h.o.playback_chain();
    assert_eq!(chain.current(), Some(2));
    assert_eq!(chain.back_stack().collect::<Vec<_>>(), vec![2]);
    assert_eq!(
        h.events(),
        vec![Event::Play {
            id: 2,
            source: PlaySource::Chosen
        }]
    );
    // The replay gap of the answer to come is right: played again one play later.
    assert_eq!(h.o.snapshot().replay, Replay::After(1));
}

#[test]
fn a_chosen_track_counts_for_replay_gaps_and_cooldowns() {
    let h = ring(seed_options(), 6);
    h.o.play_track(1).unwrap();
    assert_eq!(h.o.snapshot().replay, Replay::First);
    h.o.feedback(1, 2, 0.0, 100.0).unwrap(); // a skip: cooldown 3 on 1 -> 2
    assert_eq!(h.cooldown(1, 2), 3);
    h.o.play_track(4).unwrap(); // a play, so a cooldown step
    assert_eq!(h.cooldown(1, 2), 2);
    h.o.play_track(1).unwrap();
    assert_eq!(h.o.snapshot().replay, Replay::After(2));
}

#[test]
fn a_choice_from_a_deleted_track_is_learned_from_the_start_node() {
    let h = ring(seed_options(), 5);
    h.o.play_track(2).unwrap();
    h.o.forget_track(2);
    h.clear_events();
    h.o.play_track(3).unwrap();
    assert_eq!(h.lessons(), vec![(START, 3, LearnKind::Choice)]);
    assert!(!h.o.runtime_graph().borrow().contains(2));
    assert!(h.o.playback_chain().back_stack().all(|id| id != 2));
}

#[test]
fn play_track_refuses_the_start_node_and_changes_nothing() {
    let h = ring(seed_options(), 3);
    let before = h.o.snapshot();
    assert_eq!(
        h.o.play_track(START),
        Err(EngineError::Model(ModelError::StartAsTarget))
    );
    assert_eq!(h.o.snapshot(), before);
}

// ---------------------------------------------------------------------------------------------
// The queue

#[test]
fn play_next_takes_the_forward_stack_then_the_queue_then_a_generated_pick() {
    let h = ring(seed_options(), 8);
    let a = h.o.play_next().unwrap();
    let b = h.o.play_next().unwrap();
    h.o.play_back();
    h.o.enqueue(&[7, 3]).unwrap();
    h.o.enqueue(&[7]).unwrap();
    assert_eq!(h.o.queue(), vec![7, 3, 7]);
    h.clear_events();
    assert_eq!(h.o.play_next(), Some(b)); // forward first
    assert_eq!(h.o.play_next(), Some(7));
    // A queued play moves the chain on as a generated pick does.
    let chain = h.o.playback_chain();
    assert_eq!(chain.back_stack().collect::<Vec<_>>(), vec![a, b]);
    assert!(!chain.learning_frozen());
    assert_eq!(h.o.queue(), vec![3, 7]);
    assert!(h.o.remove_from_queue(&[7]));
    assert!(!h.o.remove_from_queue(&[7]));
    assert_eq!(h.o.play_next(), Some(3));
    assert!(h.o.queue().is_empty());
    let generated = h.o.play_next().unwrap();
    assert_eq!(
        h.plays(),
        vec![
            (b, PlaySource::Forward),
            (7, PlaySource::Queue),
            (3, PlaySource::Queue),
            (generated, PlaySource::Generated),
        ]
    );
    // No lesson comes from queueing or from a queued play: the app's feedback teaches.
    assert!(h.lessons().is_empty());
}

#[test]
fn a_queued_play_is_a_cooldown_step() {
    let h = ring(seed_options(), 6);
    h.o.feedback(1, 2, 0.0, 100.0).unwrap();
    assert_eq!(h.cooldown(1, 2), 3);
    h.o.enqueue(&[4]).unwrap();
    h.o.play_next();
    assert_eq!(h.cooldown(1, 2), 2);
}

#[test]
fn a_forgotten_track_leaves_the_queue_and_clear_empties_it() {
    let h = ring(seed_options(), 5);
    h.o.enqueue(&[2, 4, 2, 5]).unwrap();
    h.o.forget_track(2);
    assert_eq!(h.o.queue(), vec![4, 5]);
    // Even one the graph never knew.
    h.o.enqueue(&[99]).unwrap();
    h.o.forget_track(99);
    assert_eq!(h.o.queue(), vec![4, 5]);
    h.o.clear_queue();
    assert!(h.o.queue().is_empty());
}

#[test]
fn enqueue_refuses_a_bad_list_whole() {
    let h = ring(seed_options(), 3);
    h.o.enqueue(&[1]).unwrap();
    assert_eq!(
        h.o.enqueue(&[2, START]),
        Err(EngineError::Model(ModelError::StartAsTarget))
    );
    let long = vec![1; MAX_QUEUE];
    assert_eq!(h.o.enqueue(&long), Err(EngineError::QueueFull));
    assert_eq!(h.o.queue(), vec![1]);
    assert!(h.o.enqueue(&long[1..]).is_ok());
    assert_eq!(h.o.queue().len(), MAX_QUEUE);
}

#[test]
fn snapshots_keep_the_queue() {
    let h = ring(seed_options(), 6);
    h.o.enqueue(&[5, 1, 5]).unwrap();
    h.o.play_next();
    let r = restored(&h.o);
    assert_eq!(r.queue(), vec![1, 5]);
    assert_eq!(r.play_next(), Some(1));
    assert_eq!(r.snapshot().queue, vec![5]);
}

// ---------------------------------------------------------------------------------------------
// learn_history

const MINUTE: f64 = 60_000.0;

fn play(id: TrackId, listened: f64, at: f64) -> Result<HistoryPlay, Refusal> {
    Ok(HistoryPlay {
        id,
        listened_secs: listened,
        duration_secs: 200.0,
        at_ms: at,
    })
}

#[test]
fn a_history_is_learned_pair_by_pair_in_sessions() {
    let h = ring(seed_options(), 6);
    h.clear_events();
    let t0 = 1_700_000_000_000.0;
    let report = h.o.learn_history([
        play(1, 200.0, t0),                // session 1: from the start node, heard
        play(2, 200.0, t0 + 4.0 * MINUTE), // 1 -> 2 heard
        play(3, 5.0, t0 + 8.0 * MINUTE),   // 2 -> 3 skipped (5 of 200 s)
        play(4, 100.0, t0 + 9.0 * MINUTE), // 3 -> 4 heard (half)
        // 40 minutes of silence: session 2.
        play(5, 30.0, t0 + 50.0 * MINUTE), // from the start node, a partial listen
        play(6, 200.0, t0 + 51.0 * MINUTE),
    ]);
    assert_eq!(report.plays, 6);
    assert_eq!(report.sessions, 2);
    assert_eq!(report.transitions, 4);
    assert!(report.refused.is_empty());
    let build = h.o.runtime_graph();
    let build = build.borrow();
    let l = |f, t| *build.learned_edge(f, t).unwrap();
    assert_eq!(l(START, 1).bonus, 1.0);
    assert_eq!(l(1, 2).bonus, 1.0);
    assert_eq!((l(2, 3).penalty, l(2, 3).cooldown), (2.0, 0)); // worn off by the 3 plays since
    assert_eq!(l(3, 4).bonus, 1.0);
    assert_eq!(l(START, 5).penalty, 1.0);
    assert!(
        build.learned_edge(4, 5).is_none(),
        "no lesson across sessions"
    );
    assert_eq!(l(5, 6).bonus, 1.0);
    assert_eq!(build.diffs(), 6);
    drop(build);
    // The plays count for the repeat window; the chain and the queue are left alone.
    let s = h.o.snapshot();
    assert_eq!(s.plays, 6);
    assert!(s.chain.current.is_none());
    // No event: the report says what was learned.
    assert!(h.events().is_empty());
}

#[test]
fn history_plays_are_judged_by_the_feedback_rules_and_teach_replay_gaps() {
    let t0 = 1_000_000.0;
    let plays: Vec<(TrackId, f64)> = vec![(1, 200.0), (2, 10.0), (1, 40.0), (3, 200.0), (1, 1.0)];
    let h = ring(Options::default(), 4);
    let report = h.o.learn_history(
        plays
            .iter()
            .enumerate()
            .map(|(i, (id, listened))| play(*id, *listened, t0 + i as f64 * 4.0 * MINUTE)),
    );
    assert_eq!(report.plays, 5);
    // Track 1 was replayed after 2 plays, twice: heard out the first time, so its replays
    // teach the replay gaps.
    let taste = h.o.snapshot().taste.unwrap();
    let gaps: f64 = taste.gaps.iter().map(|e| e.heard + e.skipped).sum();
    assert!(gaps > 0.0, "replays were learned as replay gaps");
    let t = transition(&h.o, 2, 1);
    assert!(t.heard > 0.0 && t.skipped > 0.0, "a partial listen: {t:?}");
    let t = transition(&h.o, 3, 1);
    assert!(t.skipped > 0.0 && t.heard == 0.0, "a skip: {t:?}");
    let build = h.o.runtime_graph();
    let build = build.borrow();
    assert_eq!(build.learned_edge(1, 2).unwrap().penalty, 2.0); // skip: 10 of 200 s
    assert_eq!(build.learned_edge(2, 1).unwrap().penalty, 1.0); // partial: 40 of 200 s
    assert_eq!(build.learned_edge(1, 3).unwrap().bonus, 1.0);
}

#[test]
fn refused_plays_change_nothing_and_are_reported_with_their_index() {
    let h = ring(seed_options(), 6);
    let t0 = 5_000_000.0;
    let before = h.o.snapshot();
    let report = h.o.learn_history([
        Err(Refusal::Id),
        play(1, -1.0, t0),
        Ok(HistoryPlay {
            id: 1,
            listened_secs: 1.0,
            duration_secs: 0.0,
            at_ms: t0,
        }),
        play(1, 1.0, f64::NAN),
        play(START, 1.0, t0),
    ]);
    assert_eq!(report.plays, 0);
    assert_eq!(
        report.refused,
        vec![
            (0, Refusal::Id),
            (1, Refusal::Listened),
            (2, Refusal::Duration),
            (3, Refusal::At),
            (4, Refusal::Id),
        ]
    );
    let mut after = h.o.snapshot();
    after.history = before.history;
    assert_eq!(after, before);

    // A play out of order is refused; the next one follows the last play learned.
    let report = h.o.learn_history([
        play(1, 200.0, t0),
        play(2, 200.0, t0 - MINUTE),
        play(3, 200.0, t0 + 4.0 * MINUTE),
    ]);
    assert_eq!(report.refused, vec![(1, Refusal::OutOfOrder)]);
    assert_eq!((report.plays, report.transitions), (2, 1));
    assert_eq!(bonus(&h.o, 1, 3), 1.0);
    assert_eq!(bonus(&h.o, 2, 3), 0.0);
}

#[test]
fn a_history_given_in_several_calls_goes_on_in_one_session() {
    let t0 = 9_000_000.0;
    let plays: Vec<_> = (0..10)
        .map(|i| play(1 + i % 5, 180.0, t0 + f64::from(i) * 3.0 * MINUTE))
        .collect();
    let whole = ring(seed_options(), 5);
    let one = whole.o.learn_history(plays.clone());
    let parts = ring(seed_options(), 5);
    let a = parts.o.learn_history(plays[..4].to_vec());
    // Saved and restored in between: the end of the last play travels in the snapshot.
    let resumed = restored(&parts.o);
    let b = resumed.learn_history(plays[4..].to_vec());
    assert_eq!(one.sessions, 1);
    assert_eq!((a.sessions, b.sessions), (1, 0));
    assert_eq!(a.plays + b.plays, one.plays);
    let (mut x, mut y) = (whole.o.snapshot(), resumed.snapshot());
    x.build.built_at = 0.0;
    y.build.built_at = 0.0;
    assert_eq!(x.build.learned, y.build.learned);
    assert_eq!(x.taste, y.taste);
    // An older history given afterwards starts its own session instead of being refused.
    let older = resumed.learn_history([play(2, 180.0, t0 - 100.0 * MINUTE)]);
    assert_eq!((older.plays, older.sessions), (1, 1));
}

#[test]
fn cooldowns_set_by_a_history_wear_off_during_it() {
    let h = ring(seed_options(), 6);
    let t0 = 1e9;
    let mut plays = vec![play(1, 200.0, t0), play(2, 1.0, t0 + MINUTE)];
    for i in 0..5 {
        plays.push(play(3 + i % 3, 200.0, t0 + f64::from(2 + i) * 4.0 * MINUTE));
    }
    h.o.learn_history(plays);
    assert_eq!(h.cooldown(1, 2), 0);
    assert_eq!(
        h.o.runtime_graph()
            .borrow()
            .learned_edge(1, 2)
            .unwrap()
            .penalty,
        2.0
    );
}

#[test]
fn a_history_is_learned_while_learning_is_frozen() {
    let h = ring(seed_options(), 4);
    h.o.play_next();
    h.o.play_next();
    h.o.play_back();
    assert!(h.o.playback_chain().learning_frozen());
    let report =
        h.o.learn_history([play(1, 200.0, 0.0), play(2, 200.0, MINUTE)]);
    assert_eq!(report.plays, 2);
    assert_eq!(bonus(&h.o, 1, 2), 1.0);
}

#[test]
fn the_session_gap_is_an_option() {
    let h = ring(
        Options {
            session_gap_ms: 60_000,
            ..seed_options()
        },
        4,
    );
    // 200 s of listening, then 61 s of silence: a new session.
    let r =
        h.o.learn_history([play(1, 200.0, 0.0), play(2, 200.0, 261_000.0)]);
    assert_eq!(r.sessions, 2);
    let r = h.o.learn_history([play(3, 200.0, 461_000.0 + 59_000.0)]);
    assert_eq!(r.sessions, 0);
}

// ---------------------------------------------------------------------------------------------
// Lessons piling up in one build

/// The time `f` takes, the least of three runs (less noise on a busy machine).
fn least_of_three(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn a_lesson_costs_the_same_however_many_piled_up_before_it() {
    // Lessons on 60 000 different targets, in scrambled order, all mirrored onto the start
    // row, in one build (the managers stopped): kept in sorted vectors, the 10 000 last cost
    // some 20 times the 10 000 first (each moved half the row); now about the same.
    let n: TrackId = 60_000;
    let target = |i: TrackId| 1 + (i * 7_919) % n;
    let batch = |build: &mut RuntimeGraph, from: TrackId, range: std::ops::Range<TrackId>| {
        for i in range {
            build.reinforce(from, target(i), 1.0).unwrap();
        }
    };
    let mut rounds = 0;
    let early = least_of_three(|| {
        let mut build = RuntimeGraph::new(BaseGraph::new(), 1, "pile", 0.0);
        batch(&mut build, 1 + rounds, 0..10_000);
        rounds += 1;
    });
    let mut build = RuntimeGraph::new(BaseGraph::new(), 1, "pile", 0.0);
    batch(&mut build, 1, 0..50_000);
    let mut from = 2;
    let late = least_of_three(|| {
        let mut pile = build.clone();
        batch(&mut pile, from, 50_000..60_000);
        from += 1;
    });
    assert!(
        late < 4.0 * early,
        "10 000 lessons: {early} s first, {late} s last"
    );
    assert_eq!(build.learned_count(), 100_000);
}

#[test]
fn a_cooldown_step_costs_what_is_cooling_down_not_the_pile() {
    // With the managers stopped every generated play is a cooldown step at once: it used to
    // visit every lesson of the build.
    let steps = |lessons: TrackId| {
        let mut build = RuntimeGraph::new(BaseGraph::new(), 1, "pile", 0.0);
        for to in 1..=lessons {
            build.reinforce(1 + to % 50, to, 1.0).unwrap();
        }
        build.add_cooldown(1, 2, 2_000_000).unwrap();
        least_of_three(|| {
            for _ in 0..2_000 {
                build.reduce_cooldowns(1);
            }
        })
    };
    let (few, many) = (steps(10), steps(50_000));
    assert!(
        many < 4.0 * few + 0.01,
        "2 000 steps: {few} s beside 10 lessons, {many} s beside 50 000"
    );
}

#[test]
fn a_pile_of_lessons_is_learned_folded_and_saved_exactly() {
    let h = ring(seed_options(), 200);
    let mut expected = std::collections::BTreeMap::new();
    for i in 0..5_000u32 {
        let (from, to) = (1 + i % 200, 1 + (i * 31) % 200);
        h.o.feedback(from, to, 100.0, 100.0).unwrap();
        *expected.entry((from, to)).or_insert(0.0) += 1.0;
        *expected.entry((START, to)).or_insert(0.0) += 1.0;
    }
    let build = h.o.runtime_graph();
    for ((from, to), bonus) in &expected {
        assert_eq!(
            build.borrow().learned_edge(*from, *to).unwrap().bonus,
            *bonus
        );
    }
    let r = restored(&h.o);
    assert_eq!(r.snapshot().build.learned, h.o.snapshot().build.learned);
    let before = h.o.base_graph();
    h.o.rebuild_runtime("fold");
    for ((from, to), bonus) in &expected {
        assert_eq!(
            h.o.base_graph().weight(*from, *to),
            before.weight(*from, *to) + bonus
        );
    }
}

#[test]
fn plays_counts_every_track_played_and_survives_a_snapshot() {
    let h = ring(seed_options(), 8);
    assert_eq!(h.o.plays(), 0);
    let a = h.o.play_next().unwrap();
    h.o.play_track(5).unwrap();
    h.o.enqueue(&[3]).unwrap();
    assert_eq!(h.o.plays(), 2, "queueing plays nothing");
    h.o.play_next().unwrap(); // the queued 3
    assert_eq!(h.o.play_back(), Some(5));
    assert_eq!(h.o.play_next(), Some(3)); // forward again
    assert_eq!(h.o.plays(), 5);
    // Refused calls and lessons play nothing.
    assert!(h.o.play_track(START).is_err());
    h.o.feedback(a, 5, 100.0, 200.0).unwrap();
    assert_eq!(h.o.plays(), 5);
    assert_eq!(restored(&h.o).plays(), 5);
}
