//! The whole JS API, called through the binding as JS would call it.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use common::*;
use js_sys::{Array, Map};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::wasm::Orchestrator;

#[wasm_bindgen_test]
fn new_orchestrator_has_an_empty_graph_and_build_zero() {
    let o = Orchestrator::new(undef()).unwrap();
    assert_eq!(o.base_graph().unwrap().edge_count().unwrap(), 0.0);
    assert_eq!(o.base_graph().unwrap().ids().unwrap().length(), 0);
    let rt = o.runtime_graph().unwrap();
    assert_eq!(rt.build_version().unwrap(), 0.0);
    assert_eq!(rt.build_reason().unwrap(), "initialization");
    assert_eq!(rt.diffs().unwrap(), 0.0);
    assert!(!o.running().unwrap());
    assert_eq!(o.play_next().unwrap(), None);
}

#[wasm_bindgen_test]
fn options_are_resolved_with_defaults() {
    let o = Orchestrator::new(opts(&[
        ("seed", n(42.0)),
        ("topK", n(3.0)),
        ("giniThreshold", n(0.25)),
    ]))
    .unwrap();
    let resolved = o.options().unwrap();
    assert_eq!(get(&resolved, "seed").as_f64(), Some(42.0));
    assert_eq!(get(&resolved, "topK").as_f64(), Some(3.0));
    assert_eq!(get(&resolved, "giniThreshold").as_f64(), Some(0.25));
    assert_eq!(get(&resolved, "maxRuntimeDiffs").as_f64(), Some(50.0));
    assert_eq!(get(&resolved, "repeatWindow").as_f64(), Some(8.0));
    assert_eq!(get(&resolved, "skipCooldown").as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
fn base_graph_is_a_live_handle() {
    let o = seeded(1.0);
    let g = o.base_graph().unwrap();
    g.reinforce(n(0.0), n(1.0), undef()).unwrap();
    g.reinforce(n(1.0), n(2.0), n(4.0)).unwrap();
    let later = o.base_graph().unwrap();
    assert_eq!(
        later.edges(n(1.0)).unwrap().get(&n(2.0)).as_f64(),
        Some(4.0)
    );
    // The start row counts arrivals from anywhere.
    assert_eq!(g.edges(n(0.0)).unwrap().get(&n(2.0)).as_f64(), Some(4.0));
    assert_eq!(g.edges(n(0.0)).unwrap().get(&n(1.0)).as_f64(), Some(1.0));
    g.penalty(n(1.0), n(2.0), n(10.0)).unwrap();
    assert_eq!(g.edges(n(1.0)).unwrap().get(&n(2.0)).as_f64(), Some(0.0));
    let ids: Vec<u32> = g.ids().unwrap().iter().map(|v| as_u32(&v)).collect();
    assert_eq!(ids, vec![1, 2]);
    assert_eq!(g.edge_count().unwrap(), 3.0);
}

#[wasm_bindgen_test]
fn rebuild_swaps_in_a_new_build_and_the_old_one_keeps_its_view() {
    let o = seeded(1.0);
    catalogue(&o, 5);
    let before = o.runtime_graph().unwrap();
    assert_eq!(before.build_version().unwrap(), 1.0);
    assert_eq!(before.build_reason().unwrap(), "catalogue loaded");
    o.learn(n(1.0), n(2.0)).unwrap();
    o.feedback(n(1.0), n(3.0), n(1.0), n(100.0)).unwrap();
    assert_eq!(before.diffs().unwrap(), 2.0);
    o.rebuild_runtime(JsValue::from_str("by hand")).unwrap();
    let after = o.runtime_graph().unwrap();
    assert_eq!(after.build_version().unwrap(), 2.0);
    assert_eq!(after.build_reason().unwrap(), "by hand");
    assert_eq!(after.diffs().unwrap(), 0.0);
    assert!(
        after.built_at().unwrap() > 1.6e12,
        "builtAt is epoch milliseconds"
    );
    // The old build still describes itself.
    assert_eq!(before.build_version().unwrap(), 1.0);
    assert_eq!(before.diffs().unwrap(), 2.0);
    // Bonus and penalty were folded: 1->2 was 3, +1; 1->3 was 1, -2 -> 0.
    let edges = o.base_graph().unwrap().edges(n(1.0)).unwrap();
    assert_eq!(edges.get(&n(2.0)).as_f64(), Some(4.0));
    assert_eq!(edges.get(&n(3.0)).as_f64(), Some(0.0));
    // The skip's cooldown was carried over.
    let cooldowns = after.cooldowns().unwrap();
    let row: Map = cooldowns.get(&n(1.0)).unchecked_into();
    assert_eq!(row.get(&n(3.0)).as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
fn runtime_graph_reports_probabilities_and_learned_values() {
    let o = seeded(2.0);
    catalogue(&o, 6);
    let rt = o.runtime_graph().unwrap();
    let p = rt.probabilities(n(1.0)).unwrap();
    assert!((map_sum(&p) - 1.0).abs() < 1e-12);
    assert!((p.get(&n(2.0)).as_f64().unwrap() - 0.75).abs() < 1e-12);
    rt.reinforce(n(1.0), n(3.0), undef()).unwrap();
    rt.penalty(n(1.0), n(2.0), n(2.0)).unwrap();
    rt.add_cooldown(n(1.0), n(2.0), n(5.0)).unwrap();
    assert_eq!(rt.diffs().unwrap(), 2.0);
    let bonus: Map = rt.bonuses().unwrap().get(&n(1.0)).unchecked_into();
    assert_eq!(bonus.get(&n(3.0)).as_f64(), Some(1.0));
    let penalty: Map = rt.penalties().unwrap().get(&n(1.0)).unchecked_into();
    assert_eq!(penalty.get(&n(2.0)).as_f64(), Some(2.0));
    // A fine larger than the weight clamps 1 -> 2 to zero: only 1 -> 3 is left.
    let p = rt.probabilities(n(1.0)).unwrap();
    assert_eq!(p.size(), 1);
    assert_eq!(p.get(&n(3.0)).as_f64(), Some(1.0));
    assert_eq!(rt.probabilities(n(999.0)).unwrap().size(), 0);
}

#[wasm_bindgen_test]
fn play_next_back_and_the_chain() {
    let o = seeded(3.0);
    catalogue(&o, 10);
    let a = o.play_next().unwrap().unwrap();
    let b = o.play_next().unwrap().unwrap();
    let c = o.play_next().unwrap().unwrap();
    assert_eq!(o.play_back().unwrap(), Some(b));
    let chain = o.playback_chain().unwrap();
    let back: Vec<u32> = Array::from(&get(&chain, "back"))
        .iter()
        .map(|v| as_u32(&v))
        .collect();
    let forward: Vec<u32> = Array::from(&get(&chain, "forward"))
        .iter()
        .map(|v| as_u32(&v))
        .collect();
    assert_eq!(back, vec![a]);
    assert_eq!(get(&chain, "current").as_f64(), Some(f64::from(b)));
    assert_eq!(forward, vec![c]);
    assert_eq!(get(&chain, "learningFrozen").as_bool(), Some(true));
    // The forward stack comes first, and learning stays frozen.
    assert_eq!(o.play_next().unwrap(), Some(c));
    assert_eq!(
        get(&o.playback_chain().unwrap(), "learningFrozen").as_bool(),
        Some(true)
    );
    // A generated pick thaws it.
    o.play_next().unwrap().unwrap();
    assert_eq!(
        get(&o.playback_chain().unwrap(), "learningFrozen").as_bool(),
        Some(false)
    );
    assert_eq!(
        Orchestrator::new(undef()).unwrap().play_back().unwrap(),
        None
    );
    assert!(get(
        &Orchestrator::new(undef())
            .unwrap()
            .playback_chain()
            .unwrap(),
        "current"
    )
    .is_undefined());
}

#[wasm_bindgen_test]
fn learning_is_frozen_while_revisiting() {
    let o = seeded(3.0);
    catalogue(&o, 10);
    o.play_next().unwrap();
    o.play_next().unwrap();
    o.play_back().unwrap();
    o.learn(n(1.0), n(2.0)).unwrap();
    o.feedback(n(1.0), n(2.0), n(1.0), n(100.0)).unwrap();
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 0.0);
}

#[wasm_bindgen_test]
fn explain_next_lists_candidates_with_their_chances() {
    let o = seeded(4.0);
    catalogue(&o, 8);
    let first = o.play_next().unwrap().unwrap();
    o.feedback(
        n(f64::from(first)),
        n(f64::from(first % 8 + 1)),
        n(1.0),
        n(100.0),
    )
    .unwrap();
    let explanation = o.explain_next(undef()).unwrap();
    assert_eq!(get(&explanation, "policy").as_string().unwrap(), "adaptive");
    assert_eq!(get(&explanation, "row").as_f64(), Some(f64::from(first)));
    assert!(get(&explanation, "repeatWindow").as_f64().unwrap() >= 1.0);
    // One answer cannot show that the track before matters: affinities are not heeded yet.
    assert_eq!(get(&explanation, "context").as_f64(), Some(0.0));
    let explained: Array = get(&explanation, "candidates").dyn_into().unwrap();
    assert!(explained.length() >= 2);
    let mut total = 0.0;
    let mut saw_penalty = false;
    let mut last_chance = 1.0;
    for e in explained.iter() {
        for key in [
            "id",
            "base",
            "bonus",
            "penalty",
            "cooldown",
            "score",
            "probability",
        ] {
            assert!(get(&e, key).as_f64().is_some(), "{key}");
        }
        assert_eq!(get(&e, "affinity").as_f64(), Some(0.0));
        for key in ["transition", "track"] {
            let evidence = get(&e, key);
            assert!(get(&evidence, "heard").as_f64().is_some(), "{key}");
            assert!(get(&evidence, "skipped").as_f64().is_some(), "{key}");
        }
        let chance = get(&e, "probability").as_f64().unwrap();
        assert!(chance <= last_chance, "the most likely first");
        last_chance = chance;
        assert!(get(&e, "recent").as_bool().is_some());
        saw_penalty |=
            get(&e, "penalty").as_f64() == Some(2.0) && get(&e, "cooldown").as_f64() == Some(3.0);
        total += get(&e, "probability").as_f64().unwrap();
    }
    assert!(saw_penalty, "the skip shows as penalty 2 and cooldown 3");
    assert!((total - 1.0).abs() < 1e-9);
    // The pick draws among the best five or three: no more candidates than that can play.
    let drawn = get(&explanation, "drawn").as_f64().unwrap();
    assert!(drawn == 5.0 || drawn == 3.0, "drawn {drawn}");
    let can_play = explained
        .iter()
        .filter(|e| get(e, "probability").as_f64() > Some(0.0))
        .count();
    assert!(can_play as f64 <= drawn, "{can_play} can play");
    let limited = o.explain_next(n(1.0)).unwrap();
    assert_eq!(Array::from(&get(&limited, "candidates")).length(), 1);
    assert_error(o.explain_next(n(-1.0)), "RangeError", "limit");
    assert_error(o.explain_next(JsValue::from_str("5")), "TypeError", "limit");
}

#[wasm_bindgen_test]
fn the_seed_policy_explains_its_rows_every_edge() {
    let o = Orchestrator::new(opts(&[
        ("seed", n(4.0)),
        ("policy", JsValue::from_str("seed")),
    ]))
    .unwrap();
    catalogue(&o, 8);
    assert_eq!(
        get(&o.options().unwrap(), "policy").as_string().unwrap(),
        "seed"
    );
    let first = o.play_next().unwrap().unwrap();
    let explanation = o.explain_next(undef()).unwrap();
    assert_eq!(get(&explanation, "policy").as_string().unwrap(), "seed");
    assert_eq!(get(&explanation, "row").as_f64(), Some(f64::from(first)));
    assert_eq!(get(&explanation, "repeatWindow").as_f64(), Some(8.0));
    // The seed rules draw by their own switch, not among the best few.
    assert_eq!(get(&explanation, "drawn").as_f64(), Some(0.0));
    // The ring's two edges out of the current track.
    assert_eq!(Array::from(&get(&explanation, "candidates")).length(), 2);
    assert_error(
        Orchestrator::new(opts(&[("policy", JsValue::from_str("greedy"))])),
        "RangeError",
        "policy",
    );
    assert_error(
        Orchestrator::new(opts(&[("policy", n(1.0))])),
        "TypeError",
        "policy",
    );
}

#[wasm_bindgen_test]
fn forget_track_removes_it_everywhere() {
    let o = seeded(5.0);
    catalogue(&o, 6);
    assert_eq!(o.forget_track(n(3.0)), Ok(true));
    assert!(o
        .base_graph()
        .unwrap()
        .edges(n(2.0))
        .unwrap()
        .get(&n(3.0))
        .is_undefined());
    assert_eq!(o.base_graph().unwrap().edges(n(3.0)).unwrap().size(), 0);
    assert!(!o.base_graph().unwrap().ids().unwrap().includes(&n(3.0), 0));
    for _ in 0..200 {
        assert_ne!(o.play_next().unwrap(), Some(3));
    }
    assert_eq!(o.forget_track(n(3.0)), Ok(false));
}

#[wasm_bindgen_test]
fn events_reach_listeners_and_unsubscribe_works() {
    let o = seeded(6.0);
    catalogue(&o, 6);
    let (plays, on_play) = recorder();
    let (rebuilds, on_rebuild) = recorder();
    let (lessons, on_learn) = recorder();
    let off = o.on(JsValue::from_str("play"), on_play.into()).unwrap();
    o.on(JsValue::from_str("rebuild"), on_rebuild.into())
        .unwrap();
    o.on(JsValue::from_str("learn"), on_learn.into()).unwrap();
    let id = o.play_next().unwrap().unwrap();
    o.play_next().unwrap();
    o.play_back().unwrap();
    o.learn(n(0.0), n(1.0)).unwrap();
    o.play_next().unwrap(); // forward
    o.play_next().unwrap(); // generated: thaws
    o.learn(n(0.0), n(1.0)).unwrap();
    o.feedback(n(1.0), n(2.0), n(1.0), n(100.0)).unwrap();
    o.rebuild_runtime(JsValue::from_str("test")).unwrap();
    let seen = plays.borrow().clone();
    assert_eq!(get(&seen[0], "id").as_f64(), Some(f64::from(id)));
    let sources: Vec<String> = seen
        .iter()
        .map(|e| get(e, "source").as_string().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["generated", "generated", "back", "forward", "generated"]
    );
    let kinds: Vec<String> = lessons
        .borrow()
        .iter()
        .map(|e| get(e, "kind").as_string().unwrap())
        .collect();
    assert_eq!(kinds, ["reinforce", "skip"]);
    let rebuild = &rebuilds.borrow()[0];
    assert_eq!(get(rebuild, "buildVersion").as_f64(), Some(2.0));
    assert_eq!(get(rebuild, "reason").as_string().as_deref(), Some("test"));
    assert_eq!(get(rebuild, "diffs").as_f64(), Some(2.0));
    off.call0(&JsValue::UNDEFINED).unwrap();
    off.call0(&JsValue::UNDEFINED).unwrap();
    o.play_next().unwrap();
    assert_eq!(
        plays.borrow().len(),
        5,
        "an unsubscribed listener hears nothing more"
    );
}

#[wasm_bindgen_test]
fn same_seed_same_picks() {
    let picks = |seed: f64| {
        let o = seeded(seed);
        catalogue(&o, 30);
        (0..100)
            .map(|_| o.play_next().unwrap().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(picks(9.0), picks(9.0));
    assert_ne!(picks(9.0), picks(10.0));
}

#[wasm_bindgen_test]
fn wasm_memory_is_reported() {
    assert!(memory_player::wasm::wasm_memory_bytes() >= 65536.0);
}

/// The allocator grows the wasm memory a quarter at a time (`src/wasm/alloc.rs`): each grow
/// can make the JS engine mark the page's whole heap, and page-by-page growth took some 600
/// grows for the 40 MB allocated here, one small block at a time as a graph is built.
#[wasm_bindgen_test]
fn wasm_memory_grows_in_few_large_steps() {
    let pages = || core::arch::wasm32::memory_size::<0>();
    let (start, mut last, mut grows) = (pages(), pages(), 0);
    let mut blocks = Vec::new();
    for i in 0..40_000u32 {
        blocks.push(vec![i as u8; 1_000]);
        if pages() != last {
            grows += 1;
            last = pages();
        }
    }
    let grown_mib = (last - start) * 64 / 1024;
    assert!(grown_mib >= 38, "grew {grown_mib} MiB for 40 MB of blocks");
    assert!(grows <= 20, "{grows} grows for {grown_mib} MiB");
    // Every block still holds what was written to it.
    assert!(blocks
        .iter()
        .enumerate()
        .all(|(i, b)| b.len() == 1_000 && b.iter().all(|x| *x == i as u8)));
}
