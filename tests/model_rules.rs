//! The pure rules of the model: base graph, runtime build, selector and
//! playback chain, through the public `memory_player::model` API only.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be (clippy.toml
// allows them only inside #[test] functions, not in the helpers these files share).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{assert_close, edges, probability};
use memory_player::model::{
    gini, select, BaseGraph, Candidate, ModelError, PlaybackChain, Recency, Rng, RuntimeGraph,
    SelectorConfig, MAX_AMOUNT, START,
};

fn base_of(edges: &[(u32, u32, f64)]) -> BaseGraph {
    let mut base = BaseGraph::new();
    for &(from, to, w) in edges {
        base.reinforce(from, to, w).unwrap();
    }
    base
}

fn build_of(edges: &[(u32, u32, f64)]) -> RuntimeGraph {
    RuntimeGraph::new(base_of(edges), 1, "test", 0.0)
}

// ---------------------------------------------------------------------------------------------
// BaseGraph

#[test]
fn base_reinforce_adds_to_the_edge_and_to_the_start_row() {
    let mut base = BaseGraph::new();
    base.reinforce(1, 2, 3.0).unwrap();
    assert_eq!(base.weight(1, 2), 3.0);
    assert_eq!(base.weight(START, 2), 3.0);
    assert_eq!(base.weight(START, 1), 0.0);
    assert_eq!(base.weight(2, 1), 0.0);
}

#[test]
fn base_reinforce_from_the_start_node_counts_once() {
    let mut base = BaseGraph::new();
    base.reinforce(START, 7, 2.0).unwrap();
    assert_eq!(base.weight(START, 7), 2.0);
    assert_eq!(base.edge_count(), 1);
}

#[test]
fn base_reinforce_accumulates_and_the_start_row_sums_arrivals() {
    let mut base = BaseGraph::new();
    base.reinforce(1, 3, 1.0).unwrap();
    base.reinforce(2, 3, 2.5).unwrap();
    base.reinforce(1, 3, 1.0).unwrap();
    assert_eq!(base.weight(1, 3), 2.0);
    assert_eq!(base.weight(2, 3), 2.5);
    assert_eq!(base.weight(START, 3), 4.5);
}

#[test]
fn base_penalty_subtracts_from_the_edge_and_the_start_row() {
    let mut base = base_of(&[(1, 2, 5.0), (3, 2, 1.0)]);
    base.penalty(1, 2, 2.0).unwrap();
    assert_eq!(base.weight(1, 2), 3.0);
    assert_eq!(base.weight(START, 2), 4.0);
    assert_eq!(base.weight(3, 2), 1.0);
}

#[test]
fn base_penalty_from_the_start_node_counts_once() {
    let mut base = base_of(&[(START, 2, 5.0)]);
    base.penalty(START, 2, 2.0).unwrap();
    assert_eq!(base.weight(START, 2), 3.0);
}

#[test]
fn base_penalty_never_goes_below_zero_and_the_edge_stays() {
    let mut base = base_of(&[(1, 2, 1.0)]);
    let before = base.edge_count();
    base.penalty(1, 2, 10.0).unwrap();
    assert_eq!(base.weight(1, 2), 0.0);
    assert_eq!(base.weight(START, 2), 0.0);
    assert_eq!(base.row(1).unwrap().get(2), Some(0.0));
    assert_eq!(base.edge_count(), before);
    assert!(base.contains(2));
    // A later reinforcement starts again from 0, not from -9.
    base.reinforce(1, 2, 1.0).unwrap();
    assert_eq!(base.weight(1, 2), 1.0);
}

#[test]
fn base_penalty_of_an_absent_edge_makes_it_known_at_weight_zero() {
    let mut base = BaseGraph::new();
    base.penalty(4, 5, 1.0).unwrap();
    assert_eq!(base.row(4).unwrap().get(5), Some(0.0));
    assert_eq!(base.ids().collect::<Vec<_>>(), vec![4, 5]);
}

#[test]
fn base_row_reads_the_weights_out_of_one_track_in_target_order() {
    let base = base_of(&[(1, 9, 1.0), (1, 3, 2.0), (1, 5, 3.0), (2, 3, 4.0)]);
    let row = base.row(1).unwrap();
    assert_eq!(
        row.iter().collect::<Vec<_>>(),
        vec![(3, 2.0), (5, 3.0), (9, 1.0)]
    );
    assert_eq!(row.len(), 3);
    assert_eq!(row.get(5), Some(3.0));
    assert_eq!(row.get(2), None);
    assert!(base.row(3).is_none());
    assert_eq!(base.weight(3, 1), 0.0);
}

#[test]
fn base_ids_are_every_track_ascending_without_the_start_node() {
    let base = base_of(&[(5, 2, 1.0), (START, 9, 1.0), (1, 5, 1.0)]);
    assert_eq!(base.ids().collect::<Vec<_>>(), vec![1, 2, 5, 9]);
    assert_eq!(base.track_count(), 4);
    assert!(!base.contains(START));
}

#[test]
fn base_edge_count_includes_the_start_row_and_zero_weight_edges() {
    let mut base = BaseGraph::new();
    assert_eq!(base.edge_count(), 0);
    base.reinforce(1, 2, 1.0).unwrap(); // 1->2, 0->2
    assert_eq!(base.edge_count(), 2);
    base.reinforce(3, 2, 1.0).unwrap(); // 3->2 (0->2 exists)
    assert_eq!(base.edge_count(), 3);
    base.penalty(1, 2, 5.0).unwrap(); // stays, at 0
    assert_eq!(base.edge_count(), 3);
    assert_eq!(edges(&base).len(), 3);
}

#[test]
fn base_rows_iterate_in_source_order_start_row_first() {
    let base = base_of(&[(5, 1, 1.0), (2, 1, 1.0)]);
    let sources: Vec<u32> = base.rows().map(|(from, _)| from).collect();
    assert_eq!(sources, vec![START, 2, 5]);
}

#[test]
fn base_refuses_the_start_node_as_target_and_changes_nothing() {
    let mut base = base_of(&[(1, 2, 1.0)]);
    let before = edges(&base);
    assert_eq!(
        base.reinforce(1, START, 1.0),
        Err(ModelError::StartAsTarget)
    );
    assert_eq!(base.penalty(1, START, 1.0), Err(ModelError::StartAsTarget));
    assert_eq!(edges(&base), before);
    assert_eq!(base.ids().collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn base_refuses_nan_negative_infinite_and_huge_amounts_and_changes_nothing() {
    let mut base = base_of(&[(1, 2, 1.0)]);
    let before = edges(&base);
    let bad = [
        f64::NAN,
        -1.0,
        -0.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        MAX_AMOUNT * 2.0,
        f64::MAX,
    ];
    for amount in bad {
        assert_eq!(
            base.reinforce(1, 3, amount),
            Err(ModelError::InvalidAmount),
            "{amount}"
        );
        assert_eq!(
            base.penalty(1, 2, amount),
            Err(ModelError::InvalidAmount),
            "{amount}"
        );
    }
    assert_eq!(edges(&base), before);
    assert!(!base.contains(3));
}

#[test]
fn base_accepts_amounts_from_zero_to_the_maximum() {
    let mut base = BaseGraph::new();
    base.reinforce(1, 2, 0.0).unwrap();
    assert_eq!(base.row(1).unwrap().get(2), Some(0.0));
    base.reinforce(1, 2, MAX_AMOUNT).unwrap();
    assert_eq!(base.weight(1, 2), MAX_AMOUNT);
}

#[test]
fn base_forget_removes_a_track_as_source_and_target() {
    let mut base = base_of(&[(1, 2, 1.0), (2, 3, 1.0), (3, 2, 1.0), (3, 1, 1.0)]);
    assert!(base.forget(2));
    assert!(!base.contains(2));
    assert!(base.row(2).is_none());
    assert!(edges(&base).iter().all(|(_, to, _)| *to != 2));
    assert_eq!(base.edge_count(), edges(&base).len());
    // Its neighbours stay known.
    assert_eq!(base.ids().collect::<Vec<_>>(), vec![1, 3]);
    assert!(!base.forget(2));
    assert!(!base.forget(START));
}

#[test]
fn base_clone_is_an_independent_snapshot() {
    let mut base = base_of(&[(1, 2, 1.0)]);
    let snapshot = base.clone();
    base.reinforce(1, 2, 5.0).unwrap();
    base.forget(1);
    assert_eq!(snapshot.weight(1, 2), 1.0);
    assert!(snapshot.contains(1));
    assert_eq!(base.weight(1, 2), 0.0);
}

// ---------------------------------------------------------------------------------------------
// RuntimeGraph

#[test]
fn runtime_new_records_version_reason_time_and_zero_diffs() {
    let build = RuntimeGraph::new(BaseGraph::new(), 7, "because", 1234.5);
    assert_eq!(build.build_version(), 7);
    assert_eq!(build.build_reason(), "because");
    assert_eq!(build.built_at(), 1234.5);
    assert_eq!(build.diffs(), 0);
    assert_eq!(build.learned().count(), 0);
}

#[test]
fn runtime_build_holds_a_snapshot_of_the_base() {
    let mut base = base_of(&[(1, 2, 1.0)]);
    let build = RuntimeGraph::new(base.clone(), 1, "t", 0.0);
    base.reinforce(1, 3, 9.0).unwrap();
    assert_eq!(build.probabilities(1), vec![(2, 1.0)]);
    assert_eq!(build.base().weight(1, 3), 0.0);
}

#[test]
fn runtime_probabilities_are_the_weights_normalised_in_target_order() {
    let build = build_of(&[(1, 3, 3.0), (1, 2, 1.0)]);
    let p = build.probabilities(1);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].0, 2);
    assert_close(p[0].1, 0.25);
    assert_eq!(p[1].0, 3);
    assert_close(p[1].1, 0.75);
}

#[test]
fn runtime_probabilities_fine_the_weight_by_bonus_penalty_and_cooldown() {
    // fined = max(0, base + bonus - penalty - cooldown)
    let mut build = build_of(&[(1, 2, 4.0), (1, 3, 4.0), (1, 4, 4.0)]);
    build.reinforce(1, 2, 2.0).unwrap(); // 6
    build.penalty(1, 3, 1.0).unwrap(); // 3
    build.add_cooldown(1, 4, 3).unwrap(); // 1
    build.reinforce(1, 5, 2.0).unwrap(); // 2 (learned only)
    let total = 6.0 + 3.0 + 1.0 + 2.0;
    assert_close(probability(&build, 1, 2), 6.0 / total);
    assert_close(probability(&build, 1, 3), 3.0 / total);
    assert_close(probability(&build, 1, 4), 1.0 / total);
    assert_close(probability(&build, 1, 5), 2.0 / total);
}

#[test]
fn runtime_a_penalty_larger_than_the_weight_clamps_it_to_zero() {
    let mut build = build_of(&[(1, 2, 2.0), (1, 3, 1.0)]);
    build.penalty(1, 2, 5.0).unwrap();
    // Never ignored (2 would remain) and never negative (which would inflate the others).
    assert_eq!(build.probabilities(1), vec![(3, 1.0)]);
    // The bonus then has to climb out of the hole: +2 leaves 2 + 2 - 5 < 0.
    build.reinforce(1, 2, 2.0).unwrap();
    assert_eq!(build.probabilities(1), vec![(3, 1.0)]);
}

#[test]
fn runtime_a_cooldown_larger_than_the_weight_clamps_it_to_zero() {
    let mut build = build_of(&[(1, 2, 2.0), (1, 3, 1.0)]);
    build.add_cooldown(1, 2, 5).unwrap();
    assert_eq!(build.probabilities(1), vec![(3, 1.0)]);
}

#[test]
fn runtime_probabilities_are_empty_when_every_fined_weight_is_zero() {
    let mut build = build_of(&[(1, 2, 1.0), (1, 3, 1.0)]);
    build.penalty(1, 2, 1.0).unwrap();
    build.add_cooldown(1, 3, 1).unwrap();
    assert!(build.probabilities(1).is_empty());
    assert!(build.probabilities(99).is_empty());
}

#[test]
fn runtime_probabilities_leave_out_zero_weight_edges() {
    let mut base = base_of(&[(1, 2, 1.0), (1, 3, 1.0)]);
    base.penalty(1, 3, 1.0).unwrap();
    let build = RuntimeGraph::new(base, 1, "t", 0.0);
    assert_eq!(build.probabilities(1), vec![(2, 1.0)]);
}

#[test]
fn runtime_reduce_cooldowns_counts_down_and_at_zero_the_cooldown_is_gone() {
    let mut build = build_of(&[(1, 2, 5.0)]);
    build.add_cooldown(1, 2, 3).unwrap();
    build.reduce_cooldowns(1);
    assert_eq!(build.learned_edge(1, 2).unwrap().cooldown, 2);
    build.reduce_cooldowns(0);
    assert_eq!(build.learned_edge(1, 2).unwrap().cooldown, 2);
    build.reduce_cooldowns(2);
    assert!(build.learned_edge(1, 2).is_none());
    assert_eq!(build.learned().count(), 0);
    assert_eq!(build.probabilities(1), vec![(2, 1.0)]);
}

#[test]
fn runtime_reduce_cooldowns_by_more_than_left_does_not_wrap() {
    let mut build = build_of(&[(1, 2, 5.0)]);
    build.add_cooldown(1, 2, 2).unwrap();
    build.reduce_cooldowns(u32::MAX);
    assert!(build.learned_edge(1, 2).is_none());
}

#[test]
fn runtime_reduce_cooldowns_keeps_bonus_and_penalty() {
    let mut build = build_of(&[(1, 2, 5.0)]);
    build.penalty(1, 2, 1.0).unwrap();
    build.add_cooldown(1, 2, 1).unwrap();
    build.reduce_cooldowns(1);
    let l = build.learned_edge(1, 2).unwrap();
    assert_eq!((l.penalty, l.cooldown), (1.0, 0));
}

#[test]
fn runtime_add_cooldown_keeps_the_larger_one() {
    let mut build = build_of(&[(1, 2, 5.0)]);
    build.add_cooldown(1, 2, 3).unwrap();
    build.add_cooldown(1, 2, 1).unwrap();
    assert_eq!(build.learned_edge(1, 2).unwrap().cooldown, 3);
    build.add_cooldown(1, 2, 4).unwrap();
    assert_eq!(build.learned_edge(1, 2).unwrap().cooldown, 4);
}

#[test]
fn runtime_lessons_are_mirrored_on_the_start_row() {
    let mut build = build_of(&[]);
    build.reinforce(1, 2, 2.0).unwrap();
    build.penalty(3, 2, 0.5).unwrap();
    let start = build.learned_edge(START, 2).unwrap();
    assert_eq!((start.bonus, start.penalty), (2.0, 0.5));
    assert_eq!(build.learned_edge(1, 2).unwrap().bonus, 2.0);
    assert_eq!(build.learned_edge(3, 2).unwrap().penalty, 0.5);
}

#[test]
fn runtime_lessons_from_the_start_node_count_once() {
    let mut build = build_of(&[]);
    build.reinforce(START, 2, 2.0).unwrap();
    build.penalty(START, 2, 0.5).unwrap();
    let start = build.learned_edge(START, 2).unwrap();
    assert_eq!((start.bonus, start.penalty), (2.0, 0.5));
}

#[test]
fn runtime_a_cooldown_fines_only_its_own_edge() {
    let mut build = build_of(&[(1, 2, 1.0)]);
    build.add_cooldown(1, 2, 3).unwrap();
    assert_eq!(build.learned_edge(1, 2).unwrap().cooldown, 3);
    assert!(build.learned_edge(START, 2).is_none());
    assert_eq!(build.probabilities(START), vec![(2, 1.0)]);
}

#[test]
fn runtime_every_lesson_is_one_diff_and_a_cooldown_is_none() {
    let mut build = build_of(&[]);
    build.reinforce(1, 2, 1.0).unwrap();
    build.penalty(1, 2, 1.0).unwrap();
    build.reinforce(START, 3, 1.0).unwrap();
    assert_eq!(build.diffs(), 3);
    build.add_cooldown(1, 2, 2).unwrap();
    build.reduce_cooldowns(1);
    assert_eq!(build.diffs(), 3);
}

#[test]
fn runtime_refuses_bad_lessons_and_changes_nothing() {
    let mut build = build_of(&[(1, 2, 1.0)]);
    assert_eq!(
        build.reinforce(1, START, 1.0),
        Err(ModelError::StartAsTarget)
    );
    assert_eq!(build.penalty(1, START, 1.0), Err(ModelError::StartAsTarget));
    assert_eq!(
        build.add_cooldown(1, START, 1),
        Err(ModelError::StartAsTarget)
    );
    for amount in [f64::NAN, -1.0, f64::INFINITY, MAX_AMOUNT * 10.0] {
        assert_eq!(
            build.reinforce(1, 3, amount),
            Err(ModelError::InvalidAmount)
        );
        assert_eq!(build.penalty(1, 2, amount), Err(ModelError::InvalidAmount));
    }
    assert_eq!(build.diffs(), 0);
    assert_eq!(build.learned().count(), 0);
    assert_eq!(build.ids().collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn runtime_tracks_taught_since_the_build_are_known() {
    let mut build = build_of(&[(2, 5, 1.0)]);
    build.reinforce(9, 1, 1.0).unwrap();
    build.penalty(3, 4, 1.0).unwrap();
    assert_eq!(build.ids().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 9]);
    assert!(build.contains(9) && build.contains(4) && !build.contains(6));
}

#[test]
fn runtime_each_edge_view_tells_base_bonus_penalty_and_cooldown() {
    let mut build = build_of(&[(1, 2, 4.0), (1, 4, 1.0)]);
    build.reinforce(1, 3, 2.0).unwrap();
    build.penalty(1, 2, 1.0).unwrap();
    build.add_cooldown(1, 2, 2).unwrap();
    let mut views = Vec::new();
    build.for_each_edge(1, |e| {
        views.push((e.to, e.base, e.bonus, e.penalty, e.cooldown))
    });
    assert_eq!(
        views,
        vec![
            (2, 4.0, 0.0, 1.0, 2),
            (3, 0.0, 2.0, 0.0, 0),
            (4, 1.0, 0.0, 0.0, 0)
        ]
    );
}

#[test]
fn runtime_fold_sets_every_weight_to_max_zero_old_plus_bonus_minus_penalty() {
    let mut build = build_of(&[(1, 2, 5.0), (1, 3, 1.0)]);
    build.reinforce(1, 2, 2.0).unwrap();
    build.penalty(1, 2, 3.0).unwrap();
    build.penalty(1, 3, 3.0).unwrap();
    build.reinforce(1, 4, 1.5).unwrap();
    let mut base = build.base().clone();
    build.fold_into(&mut base);
    assert_eq!(base.weight(1, 2), 4.0); // 5 + 2 - 3
    assert_eq!(base.weight(1, 3), 0.0); // max(0, 1 - 3)
    assert_eq!(base.weight(1, 4), 1.5); // new edge
    assert_eq!(base.weight(START, 2), 4.0); // start row: 5 + 2 - 3
    assert_eq!(base.weight(START, 3), 0.0);
    assert_eq!(base.weight(START, 4), 1.5);
    // Folding does not change the build itself.
    assert_eq!(build.base().weight(1, 2), 5.0);
}

#[test]
fn runtime_fold_applies_bonus_and_penalty_together_not_one_after_the_other() {
    // Weight 1, penalty 3 then bonus 3: the net change is 0, so the weight stays 1. Clamping
    // after the penalty alone would give 3.
    let mut build = build_of(&[(1, 2, 1.0)]);
    build.penalty(1, 2, 3.0).unwrap();
    build.reinforce(1, 2, 3.0).unwrap();
    let mut base = build.base().clone();
    build.fold_into(&mut base);
    assert_eq!(base.weight(1, 2), 1.0);
}

#[test]
fn runtime_fold_keeps_cooldown_only_tracks_known_at_weight_zero() {
    let mut build = build_of(&[]);
    build.add_cooldown(1, 2, 2).unwrap();
    let mut base = BaseGraph::new();
    build.fold_into(&mut base);
    assert_eq!(base.row(1).unwrap().get(2), Some(0.0));
    assert!(base.contains(1) && base.contains(2));
}

#[test]
fn runtime_rebuild_carries_active_cooldowns_and_nothing_else() {
    let mut build = build_of(&[(1, 2, 5.0), (1, 3, 5.0)]);
    build.reinforce(1, 2, 1.0).unwrap();
    build.penalty(1, 3, 1.0).unwrap();
    build.add_cooldown(1, 3, 2).unwrap();
    build.add_cooldown(1, 2, 1).unwrap();
    build.reduce_cooldowns(1); // 1->2 expires, 1->3 has 1 left
    let mut base = build.base().clone();
    build.fold_into(&mut base);
    let next = build.rebuild(base, 2, "next", 50.0);
    assert_eq!(next.build_version(), 2);
    assert_eq!(next.build_reason(), "next");
    assert_eq!(next.built_at(), 50.0);
    assert_eq!(next.diffs(), 0);
    let carried = next.learned_edge(1, 3).unwrap();
    assert_eq!(
        (carried.bonus, carried.penalty, carried.cooldown),
        (0.0, 0.0, 1)
    );
    assert!(next.learned_edge(1, 2).is_none());
    assert!(next.learned_edge(START, 2).is_none());
    assert_eq!(next.base().weight(1, 2), 6.0);
    assert_eq!(next.base().weight(1, 3), 4.0);
}

#[test]
fn runtime_forget_removes_a_track_from_base_lessons_and_cooldowns() {
    let mut build = build_of(&[(1, 2, 1.0), (2, 3, 1.0)]);
    build.reinforce(3, 2, 1.0).unwrap();
    build.add_cooldown(1, 2, 3).unwrap();
    build.reinforce(2, 1, 1.0).unwrap();
    build.reinforce(4, 5, 1.0).unwrap();
    assert!(build.forget(2));
    assert!(!build.contains(2));
    for from in [START, 1, 2, 3, 4] {
        assert!(build.probabilities(from).iter().all(|(to, _)| *to != 2));
        build.for_each_edge(from, |e| assert_ne!(e.to, 2));
    }
    assert!(build.probabilities(2).is_empty());
    for (from, row) in build.learned() {
        assert_ne!(from, 2);
        assert!(row.iter().all(|l| l.to != 2));
    }
    // Lessons about other tracks stay.
    assert_eq!(build.learned_edge(4, 5).unwrap().bonus, 1.0);
    assert!(!build.forget(2));
}

#[test]
fn runtime_forget_of_a_track_taught_only_since_the_build() {
    let mut build = build_of(&[]);
    build.reinforce(1, 9, 1.0).unwrap();
    assert!(build.forget(9));
    assert!(!build.contains(9));
    assert!(build.probabilities(START).is_empty());
}

#[test]
fn runtime_forget_of_the_start_node_changes_nothing() {
    // The start node is not a track: "forgetting" it must not wipe the start row's lessons,
    // or the next rebuild would lose them.
    let mut build = build_of(&[(1, 2, 1.0)]);
    build.reinforce(1, 2, 1.0).unwrap();
    assert!(!build.forget(START));
    assert_eq!(build.learned_edge(START, 2).unwrap().bonus, 1.0);
    let mut base = build.base().clone();
    build.fold_into(&mut base);
    assert_eq!(base.weight(START, 2), 2.0);
}

// ---------------------------------------------------------------------------------------------
// Selector

fn cands(ws: &[(u32, f64)]) -> Vec<Candidate> {
    ws.iter()
        .map(|&(id, weight)| Candidate { id, weight })
        .collect()
}

#[test]
fn selector_gini_is_one_minus_the_sum_of_squared_probabilities() {
    assert_eq!(gini([3.0].into_iter()), 0.0);
    assert_close(gini([1.0, 1.0].into_iter()), 0.5);
    assert_close(
        gini([3.0, 1.0].into_iter()),
        1.0 - (0.75 * 0.75 + 0.25 * 0.25),
    );
    assert_close(gini([1.0; 4].into_iter()), 0.75);
    assert_eq!(gini(std::iter::empty()), 0.0);
}

#[test]
fn spread_distribution_picks_uniformly_among_top_k() {
    // 20 candidates, weights 1..=20: Gini is high, so only the 3 heaviest are ever picked,
    // each about a third of the time.
    let config = SelectorConfig {
        gini_threshold: 0.5,
        top_k: 3,
    };
    let mut rng = Rng::new(9);
    let mut counts = [0u32; 21];
    for _ in 0..3000 {
        let mut c: Vec<Candidate> = (1..=20)
            .map(|i| Candidate {
                id: i,
                weight: f64::from(i),
            })
            .collect();
        let id = select(&mut c, config, &mut rng).unwrap();
        counts[id as usize] += 1;
    }
    assert_eq!(counts[..18].iter().sum::<u32>(), 0);
    for n in &counts[18..] {
        assert!((850..1150).contains(n), "{counts:?}");
    }
}

#[test]
fn ties_at_the_top_k_boundary_break_by_lower_id() {
    let config = SelectorConfig {
        gini_threshold: 0.0,
        top_k: 2,
    };
    let mut rng = Rng::new(1);
    for _ in 0..100 {
        let mut c = cands(&[(4, 1.0), (3, 1.0), (2, 1.0), (1, 1.0)]);
        let id = select(&mut c, config, &mut rng).unwrap();
        assert!(id == 1 || id == 2);
    }
}

#[test]
fn gini_is_zero_for_one_and_high_for_many() {
    assert_eq!(gini([5.0].into_iter()), 0.0);
    assert!((gini([1.0, 1.0].into_iter()) - 0.5).abs() < 1e-12);
    assert!(gini([1.0; 10].into_iter()) > 0.89);
}

#[test]
fn peaked_distribution_picks_by_weight() {
    // Gini of (0.9, 0.1) is 0.18: weighted mode, so the heavy edge wins most picks.
    let mut rng = Rng::new(3);
    let mut heavy = 0;
    for _ in 0..1000 {
        let mut c = cands(&[(1, 9.0), (2, 1.0)]);
        if select(&mut c, SelectorConfig::default(), &mut rng) == Some(1) {
            heavy += 1;
        }
    }
    assert!((850..950).contains(&heavy), "{heavy}");
}

#[test]
fn held_back_candidates_are_never_picked() {
    let mut rng = Rng::new(6);
    for threshold in [0.0, 1.0] {
        let config = SelectorConfig {
            gini_threshold: threshold,
            top_k: 2,
        };
        for _ in 0..200 {
            let mut c = cands(&[(1, -5.0), (2, 1.0), (3, -9.0), (4, 2.0)]);
            let id = select(&mut c, config, &mut rng).unwrap();
            assert!(id == 2 || id == 4, "{id}");
        }
        assert_eq!(select(&mut cands(&[(1, -1.0)]), config, &mut rng), None);
    }
}

#[test]
fn empty_gives_none() {
    assert_eq!(
        select(&mut [], SelectorConfig::default(), &mut Rng::new(0)),
        None
    );
}
#[test]
fn selector_picks_uniformly_among_the_top_k_above_the_gini_threshold() {
    let config = SelectorConfig {
        gini_threshold: 0.5,
        top_k: 2,
    };
    let mut rng = Rng::new(5);
    let mut counts = [0u32; 6];
    for _ in 0..2000 {
        let mut c = cands(&[(1, 1.0), (2, 1.0), (3, 1.5), (4, 4.0), (5, 3.0)]);
        counts[select(&mut c, config, &mut rng).unwrap() as usize] += 1;
    }
    assert_eq!(counts[1] + counts[2] + counts[3], 0, "{counts:?}");
    // Uniform between 4 and 5 despite 4 being heavier.
    assert!((850..1150).contains(&counts[4]), "{counts:?}");
}

#[test]
fn selector_picks_by_weight_at_or_below_the_gini_threshold() {
    let config = SelectorConfig::default();
    let mut rng = Rng::new(11);
    let mut heavy = 0;
    for _ in 0..2000 {
        // (0.8, 0.2): Gini 0.32 <= 0.5.
        let mut c = cands(&[(1, 1.0), (2, 4.0)]);
        if select(&mut c, config, &mut rng) == Some(2) {
            heavy += 1;
        }
    }
    assert!((1500..1700).contains(&heavy), "{heavy}");
}

#[test]
fn selector_with_one_candidate_picks_it_and_with_none_picks_nothing() {
    let mut rng = Rng::new(0);
    assert_eq!(
        select(&mut cands(&[(7, 0.5)]), SelectorConfig::default(), &mut rng),
        Some(7)
    );
    assert_eq!(select(&mut [], SelectorConfig::default(), &mut rng), None);
}

#[test]
fn selector_same_seed_same_picks() {
    let run = |seed| {
        let mut rng = Rng::new(seed);
        (0..200)
            .map(|i| {
                let mut c = cands(&[(1, 1.0), (2, 2.0), (3, f64::from(i % 5) + 0.5), (4, 1.0)]);
                select(&mut c, SelectorConfig::default(), &mut rng)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn rng_is_splitmix64_so_every_platform_agrees() {
    assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    let mut a = Rng::new(123);
    a.next_u64();
    let mut b = Rng::from_state(a.state());
    assert_eq!(a.next_f64(), b.next_f64());
}

#[test]
fn recency_window_holds_the_last_n_plays_the_current_one_included() {
    let mut r = Recency::new();
    for id in [1, 2, 3, 2] {
        r.record(id);
    }
    assert!(r.is_recent(2, 1), "the current track");
    assert!(!r.is_recent(3, 1));
    assert!(r.is_recent(3, 2));
    assert!(!r.is_recent(1, 3));
    assert!(r.is_recent(1, 4));
    assert!(!r.is_recent(2, 0));
    assert!(!r.is_recent(9, 100), "never played");
    assert_eq!(r.last_played(2), Some(4));
    assert_eq!(r.plays(), 4);
}

// ---------------------------------------------------------------------------------------------
// PlaybackChain

fn chain_of(ids: &[u32], limit: usize) -> PlaybackChain {
    let mut c = PlaybackChain::new(limit);
    for &id in ids {
        c.next(id);
    }
    c
}

#[test]
fn chain_next_pushes_current_back_and_clears_forward() {
    let mut c = chain_of(&[1, 2, 3], 10);
    assert_eq!(c.back(), Some(2));
    assert_eq!(c.forward_stack(), &[3]);
    c.next(4);
    assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(c.current(), Some(4));
    assert!(c.forward_stack().is_empty());
}

#[test]
fn chain_back_fails_with_no_current_or_an_empty_back_stack() {
    let mut c = PlaybackChain::new(10);
    assert_eq!(c.back(), None);
    c.next(1);
    assert_eq!(c.back(), None);
    assert_eq!(c.current(), Some(1));
    assert!(!c.learning_frozen());
}

#[test]
fn chain_forward_fails_with_an_empty_forward_stack() {
    let mut c = chain_of(&[1, 2], 10);
    assert_eq!(c.forward(), None);
    assert_eq!(c.current(), Some(2));
    assert!(!c.learning_frozen());
}

#[test]
fn chain_back_then_forward_retraces_the_same_tracks() {
    let mut c = chain_of(&[1, 2, 3], 10);
    assert_eq!(c.back(), Some(2));
    assert_eq!(c.back(), Some(1));
    assert_eq!(c.forward_stack(), &[3, 2]);
    assert_eq!(c.forward(), Some(2));
    assert_eq!(c.forward(), Some(3));
    assert_eq!(c.forward(), None);
    assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn chain_back_and_forward_freeze_learning_and_next_thaws_it() {
    let mut c = chain_of(&[1, 2], 10);
    c.back();
    assert!(c.learning_frozen());
    c.forward();
    assert!(c.learning_frozen());
    c.next(3);
    assert!(!c.learning_frozen());
}

#[test]
fn chain_back_stack_is_bounded_by_the_history_limit_oldest_first_out() {
    let c = chain_of(&[1, 2, 3, 4, 5, 6], 3);
    assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![3, 4, 5]);
    assert_eq!(c.history_limit(), 3);
    let mut c = chain_of(&[1, 2, 3, 4, 5], 3);
    c.back();
    c.forward();
    assert_eq!(c.back_stack().len(), 3);
}

#[test]
fn chain_remove_clears_both_stacks_and_keeps_the_current_track() {
    let mut c = chain_of(&[2, 1, 2, 3, 2], 10);
    c.back();
    c.back(); // current 2, back [2, 1], forward [2, 3]
    c.remove(2);
    assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![1]);
    assert_eq!(c.forward_stack(), &[3]);
    assert_eq!(c.current(), Some(2));
}

#[test]
fn chain_a_removed_current_track_is_not_pushed_back_by_the_next_move() {
    // Removed while playing: it plays on, but once the listener moves on it is gone.
    let mut c = chain_of(&[1, 2], 10);
    c.remove(2);
    c.next(3);
    assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![1]);
    assert_eq!(c.back(), Some(1));
    assert_eq!(c.forward_stack(), &[3]);

    let mut c = chain_of(&[1, 2], 10);
    c.remove(2);
    assert_eq!(c.back(), Some(1));
    assert!(c.forward_stack().is_empty());
}
