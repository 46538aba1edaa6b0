//! Bulk loading and the engine's limits: `reinforce_many` is `reinforce` per edge,
//! in one call; one limit for growth and restore; weights capped, and snapshots held to the
//! same caps.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a failed unwrap or index is a failed test, which is what it should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Instant;

use common::{bonus, edges, seed_options, Harness};
use futures::executor::LocalPool;
use memory_player::engine::{ManualClock, Options, Orchestrator, Snapshot};
use memory_player::model::{
    BaseGraph, Growth, ModelError, Room, TrackId, MAX_EDGES, MAX_TRACKS, MAX_WEIGHT, START,
};
use proptest::prelude::*;

fn restore(s: &Snapshot) -> Result<Orchestrator, String> {
    Orchestrator::restore(s, LocalPool::new().spawner(), ManualClock::new(0.0))
        .map_err(|e| e.to_string())
}

const ROOM: Room = Room {
    tracks: usize::MAX,
    edges: usize::MAX,
};

fn edge() -> impl Strategy<Value = (TrackId, TrackId, f64)> {
    (
        0u32..40,
        1u32..40,
        prop_oneof![Just(1.0), Just(0.0), 0.0f64..5.0, Just(1e9)],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever the graph and the edges (repeats, the start node as a source, runs and
    /// scattered sources, fractions), one call gives exactly what one `reinforce` per edge does.
    #[test]
    fn reinforce_many_is_reinforce_per_edge(
        before in prop::collection::vec(edge(), 0..60),
        batch in prop::collection::vec(edge(), 0..300),
        grouped in any::<bool>(),
        sparse in any::<bool>(),
    ) {
        // Sparse ids (far more than the edges) take the hashed path for the start row.
        let scale = if sparse { 1_000_003 } else { 1 };
        let before: Vec<_> = before.into_iter().map(|(f, t, a)| (f * scale, t * scale, a)).collect();
        let mut batch: Vec<_> = batch.into_iter().map(|(f, t, a)| (f * scale, t * scale, a)).collect();
        if grouped {
            batch.sort_by_key(|e| e.0);
        }
        let mut one = BaseGraph::new();
        for (f, t, a) in &before {
            one.reinforce(*f, *t, *a).unwrap();
        }
        let mut many = one.clone();
        let (tracks, count) = (one.track_count(), one.edge_count());
        for (f, t, a) in &batch {
            one.reinforce(*f, *t, *a).unwrap();
        }
        let grown = many.reinforce_many(&batch, ROOM).unwrap();
        prop_assert_eq!(edges(&many), edges(&one));
        prop_assert_eq!(many.edge_count(), one.edge_count());
        prop_assert_eq!(many.ids().collect::<Vec<_>>(), one.ids().collect::<Vec<_>>());
        prop_assert_eq!(grown, Growth { tracks: one.track_count() - tracks, edges: one.edge_count() - count });
    }
}

#[test]
fn reinforce_many_checks_everything_first_and_names_the_index() {
    let h = Harness::with(seed_options());
    h.teach(1, 2, 1.0);
    let before = h.o.snapshot();
    assert_eq!(
        h.o.reinforce_base_many(&[(1, 2, 1.0), (2, 3, 1.0), (3, START, 1.0)]),
        Err((2, ModelError::StartAsTarget))
    );
    assert_eq!(
        h.o.reinforce_base_many(&[(1, 2, 1.0), (2, 3, f64::NAN)]),
        Err((1, ModelError::InvalidAmount))
    );
    assert_eq!(
        h.o.reinforce_base_many(&[(1, 2, 2e9)]),
        Err((0, ModelError::InvalidAmount))
    );
    let mut after = h.o.snapshot();
    after.build.built_at = before.build.built_at;
    assert_eq!(after, before);
    // An empty call changes nothing either (no start row appears).
    h.o.reinforce_base_many(&[]).unwrap();
    assert_eq!(h.o.base_graph().edge_count(), 2);
}

#[test]
fn growth_past_the_room_is_refused() {
    let mut base = BaseGraph::new();
    base.reinforce(1, 2, 1.0).unwrap();
    let small = Room {
        tracks: 3,
        edges: 4,
    };
    // Two new tracks (3, 4) and four new edges (2->3, 3->4, 0->3, 0->4): fits exactly.
    let mut copy = base.clone();
    let grown = copy
        .reinforce_many(&[(2, 3, 1.0), (3, 4, 1.0)], small)
        .unwrap();
    assert_eq!(
        grown,
        Growth {
            tracks: 2,
            edges: 4
        }
    );
    // One more edge does not.
    let mut copy = base.clone();
    assert_eq!(
        copy.reinforce_many(&[(2, 3, 1.0), (3, 4, 1.0), (4, 2, 1.0)], small)
            .map(drop)
            .unwrap_err()
            .1,
        ModelError::Full
    );
    assert_eq!(
        base.growth(2, 3),
        Growth {
            tracks: 1,
            edges: 2
        }
    );
    assert_eq!(base.growth(1, 2), Growth::default());
}

#[test]
fn the_engine_holds_and_restores_up_to_the_same_limit_of_tracks() {
    // Two million tracks (the limit), each known through the start row: the engine grows to
    // the limit, refuses a track more (in bulk, one by one, and as a lesson), and restores
    // what it holds.
    let h = Harness::with(seed_options());
    let all: Vec<_> = (1..=MAX_TRACKS as TrackId)
        .map(|id| (START, id, 1.0))
        .collect();
    h.o.reinforce_base_many(&all).unwrap();
    assert_eq!(h.o.base_graph().track_count(), MAX_TRACKS);
    let next = MAX_TRACKS as TrackId + 1;
    assert_eq!(
        h.o.reinforce_base_many(&[(1, next, 1.0)]).map(drop),
        Err((1, ModelError::Full))
    );
    assert_eq!(h.o.reinforce_base(1, next, 1.0), Err(ModelError::Full));
    assert_eq!(
        h.o.learn(1, next),
        Err(memory_player::engine::EngineError::Model(ModelError::Full))
    );
    // Known tracks still learn.
    h.o.learn(1, 2).unwrap();
    h.o.reinforce_base(1, 2, 1.0).unwrap();
    let t = Instant::now();
    let r = restore(&h.o.snapshot()).unwrap();
    assert_eq!(r.base_graph().track_count(), MAX_TRACKS);
    assert!(t.elapsed().as_secs_f64() < 60.0);
}

#[test]
fn a_snapshot_of_too_many_tracks_is_refused_at_once() {
    // 3 300 000 empty rows: once accepted after seconds and half a gigabyte; now refused
    // before anything is built.
    let h = Harness::with(seed_options());
    let mut s = h.o.snapshot();
    s.base = (1..=3_300_000).map(|id| (id, Vec::new())).collect();
    let t = Instant::now();
    let e = restore(&s).unwrap_err();
    assert!(e.contains("more than 2000000 tracks"), "{e}");
    assert!(t.elapsed().as_secs_f64() < 1.0);
}

#[test]
fn weights_saturate_at_the_cap_and_snapshots_above_it_are_refused() {
    let h = Harness::with(Options {
        reinforce_amount: 1e9,
        ..seed_options()
    });
    for _ in 0..3 {
        h.o.reinforce_base_many(&vec![(1, 2, 1e9); 500_000])
            .unwrap();
    }
    assert_eq!(h.o.base_graph().weight(1, 2), MAX_WEIGHT);
    // A build grown through the API (a million lessons of 1e9) saturates too, and restores.
    for _ in 0..1_100_000 {
        h.o.feedback(1, 2, 1.0, 1.0).unwrap();
    }
    assert_eq!(bonus(&h.o, 1, 2), MAX_WEIGHT);
    let s = h.o.snapshot();
    restore(&s).unwrap();
    // Weights all 1e308 gave probabilities of 0 everywhere: refused, naming the cap.
    let mut bad = s.clone();
    for (_, row) in &mut bad.base {
        for (_, w) in row.iter_mut() {
            *w = 1e308;
        }
    }
    let e = restore(&bad).unwrap_err();
    assert!(e.contains("1e15"), "{e}");
    let mut bad = s;
    bad.build.learned[0].1[0].bonus = 2e15;
    let e = restore(&bad).unwrap_err();
    assert!(e.contains("bonus or penalty") && e.contains("1e15"), "{e}");
}

#[test]
fn the_limits_are_what_the_docs_say() {
    assert_eq!(MAX_EDGES, 20_000_000);
    assert_eq!(MAX_TRACKS, 2_000_000);
    assert_eq!(MAX_WEIGHT, 1e15);
}
