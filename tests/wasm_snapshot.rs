//! Snapshots through the JS API: plain JSON round trips, format versions, and refusals of
//! malformed, truncated or hostile snapshots.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use common::*;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::wasm::Orchestrator;

fn session() -> Orchestrator {
    let o = seeded(21.0);
    catalogue(&o, 12);
    for i in 0..15 {
        let prev = get(&o.playback_chain().unwrap(), "current")
            .as_f64()
            .unwrap_or(0.0);
        let id = o.play_next().unwrap().unwrap();
        let listened = if i % 4 == 0 { 2.0 } else { 180.0 };
        o.feedback(n(prev), n(f64::from(id)), n(listened), n(200.0))
            .unwrap();
    }
    o.play_back().unwrap();
    o.base_graph()
        .unwrap()
        .reinforce(n(2.0), n(7.0), n(2.0))
        .unwrap();
    o
}

/// A deep copy through JSON, as a store would keep it.
fn through_json(v: &JsValue) -> JsValue {
    JSON::parse(&JSON::stringify(v).unwrap().as_string().unwrap()).unwrap()
}

fn with(snapshot: &JsValue, path: &[&str], value: JsValue) -> JsValue {
    let copy = through_json(snapshot);
    let mut target = copy.clone();
    for key in &path[..path.len() - 1] {
        target = get(&target, key);
    }
    Reflect::set(&target, &JsValue::from_str(path[path.len() - 1]), &value).unwrap();
    copy
}

/// The flat number array `snapshot.taste[key]`, as numbers.
fn taste_numbers(snapshot: &JsValue, key: &str) -> Vec<f64> {
    Array::from(&get(&get(snapshot, "taste"), key))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// A copy of `snapshot` without the field at `path`, as a snapshot made before it existed.
fn without(snapshot: &JsValue, path: &[&str]) -> JsValue {
    let copy = through_json(snapshot);
    let mut target = copy.clone();
    for key in &path[..path.len() - 1] {
        target = get(&target, key);
    }
    let key = JsValue::from_str(path[path.len() - 1]);
    Reflect::delete_property(target.unchecked_ref::<Object>(), &key).unwrap();
    copy
}

#[wasm_bindgen_test]
fn a_json_round_trip_resumes_exactly() {
    let o = session();
    let saved = through_json(&o.snapshot().unwrap());
    let r = Orchestrator::from_snapshot(saved, undef()).unwrap();
    assert_eq!(
        JSON::stringify(&r.snapshot().unwrap()).unwrap(),
        JSON::stringify(&o.snapshot().unwrap()).unwrap()
    );
    for _ in 0..40 {
        assert_eq!(o.play_next().unwrap(), r.play_next().unwrap());
        o.learn(n(1.0), n(2.0)).unwrap();
        r.learn(n(1.0), n(2.0)).unwrap();
    }
    assert_eq!(
        JSON::stringify(&r.snapshot().unwrap()).unwrap(),
        JSON::stringify(&o.snapshot().unwrap()).unwrap()
    );
}

#[wasm_bindgen_test]
fn options_given_on_restore_override_the_saved_ones() {
    let o = session();
    let r =
        Orchestrator::from_snapshot(o.snapshot().unwrap(), opts(&[("maxRuntimeDiffs", n(7.0))]))
            .unwrap();
    assert_eq!(
        get(&r.options().unwrap(), "maxRuntimeDiffs").as_f64(),
        Some(7.0)
    );
    assert_eq!(get(&r.options().unwrap(), "seed").as_f64(), Some(21.0));
    assert_error(
        Orchestrator::from_snapshot(o.snapshot().unwrap(), opts(&[("bogus", n(1.0))])),
        "TypeError",
        "bogus",
    );
}

#[wasm_bindgen_test]
fn other_format_versions_are_refused_clearly() {
    let s = session().snapshot().unwrap();
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["version"], n(3.0)), undef()),
        "RangeError",
        "version 3",
    );
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["version"], n(0.0)), undef()),
        "RangeError",
        "version 0",
    );
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["format"], JsValue::from_str("x")), undef()),
        "TypeError",
        "not a memory-player snapshot",
    );
}

#[wasm_bindgen_test]
fn malformed_snapshots_are_refused_saying_what_is_wrong() {
    let s = session().snapshot().unwrap();
    let cases: Vec<(JsValue, &str, &str)> = vec![
        (JsValue::NULL, "TypeError", "snapshot must be an object"),
        (n(1.0), "TypeError", "snapshot must be an object"),
        (
            with(&s, &["base"], JsValue::from_str("1,2")),
            "TypeError",
            "snapshot.base",
        ),
        (
            with(
                &s,
                &["base"],
                Array::of3(&n(1.0), &JsValue::from_str("0"), &n(1.0)).into(),
            ),
            "TypeError",
            "snapshot.base",
        ),
        (
            with(&s, &["base"], Array::of3(&n(0.0), &n(2.0), &n(1.0)).into()),
            "RangeError",
            "snapshot.base",
        ),
        (
            with(&s, &["base"], Array::of2(&n(-4.0), &n(0.0)).into()),
            "RangeError",
            "snapshot.base",
        ),
        (
            with(
                &s,
                &["base"],
                Array::of4(&n(0.0), &n(1.0), &n(5.0), &n(f64::NAN)).into(),
            ),
            "RangeError",
            "snapshot.base",
        ),
        (
            with(
                &s,
                &["base"],
                Array::of4(&n(0.0), &n(1.0), &n(5.0), &n(-1.0)).into(),
            ),
            "RangeError",
            "snapshot.base",
        ),
        (
            with(
                &s,
                &["base"],
                Array::of4(&n(5.0), &n(0.0), &n(5.0), &n(0.0)).into(),
            ),
            "RangeError",
            "duplicated",
        ),
        (
            with(
                &s,
                &["base"],
                Array::of4(&n(0.0), &n(1.0), &n(9.0), &n(1.0)).into(),
            ),
            "RangeError",
            "not in the graph",
        ),
        (with(&s, &["rng"], n(5.0)), "TypeError", "snapshot.rng"),
        (
            with(&s, &["chain", "back"], Array::of1(&n(1.5)).into()),
            "RangeError",
            "snapshot.chain.back",
        ),
        (
            with(&s, &["chain", "learningFrozen"], n(1.0)),
            "TypeError",
            "learningFrozen",
        ),
        (
            with(&s, &["chain", "current"], n(0.0)),
            "RangeError",
            "snapshot.chain.current",
        ),
        (
            with(&s, &["build", "reason"], n(1.0)),
            "TypeError",
            "snapshot.build.reason",
        ),
        (
            with(
                &s,
                &["build", "learned"],
                Array::of3(&n(1.0), &n(2.0), &n(1.0)).into(),
            ),
            "RangeError",
            "truncated",
        ),
        (
            with(&s, &["recency", "plays"], n(-1.0)),
            "RangeError",
            "snapshot.recency.plays",
        ),
        (with(&s, &["options", "topK"], n(0.0)), "RangeError", "topK"),
        (
            with(&s, &["pendingCooldownSteps"], undef()),
            "TypeError",
            "pendingCooldownSteps",
        ),
    ];
    for (bad, class, says) in cases {
        assert_error(Orchestrator::from_snapshot(bad, undef()), class, says);
    }
}

#[wasm_bindgen_test]
fn hostile_snapshots_are_refused_without_trapping() {
    let s = session().snapshot().unwrap();
    // A cycle: the chain refers to the snapshot itself.
    let cyclic = through_json(&s);
    Reflect::set(&get(&cyclic, "chain"), &JsValue::from_str("back"), &cyclic).unwrap();
    assert_error(
        Orchestrator::from_snapshot(cyclic, undef()),
        "TypeError",
        "snapshot.chain.back",
    );
    // A huge array is refused by its length before anything is copied.
    let huge = Array::new_with_length(70_000_000);
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["base"], huge.into()), undef()),
        "RangeError",
        "too large",
    );
    // A truncated flat array.
    let base = Array::from(&get(&s, "base"));
    let cut = base.slice(0, base.length() - 1);
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["base"], cut.into()), undef()),
        "RangeError",
        "snapshot.base",
    );
    // The module still answers.
    assert!(Orchestrator::from_snapshot(s, undef())
        .unwrap()
        .play_next()
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
fn the_latest_change_of_taste_travels_and_an_older_version_2_snapshot_has_none() {
    let o = session();
    let s = o.snapshot().unwrap();
    let change = Array::from(&get(&get(&s, "taste"), "change"));
    assert_eq!(
        change.length(),
        7,
        "[at, heard, skipped, heard, skipped, heard, skipped]"
    );
    let change_of = |r: &Orchestrator| {
        JSON::stringify(&get(&get(&r.snapshot().unwrap(), "taste"), "change")).unwrap()
    };
    let json = |v: &[f64]| JSON::stringify(&nums(v)).unwrap();
    // A saved change comes back as it was.
    let saved = [9.0, 0.5, 2.0, 0.25, 3.0, 1.0, 4.0];
    let r = Orchestrator::from_snapshot(with(&s, &["taste", "change"], nums(&saved)), undef());
    assert_eq!(change_of(&r.unwrap()), json(&saved));
    // One saved before the three kinds were told apart, [at, not last heard out, last heard
    // out]: the first pair stands for tracks partly heard and skipped.
    let two = with(&s, &["taste", "change"], nums(&[9.0, 0.5, 2.0, 0.25, 3.0]));
    let r = Orchestrator::from_snapshot(two, undef()).unwrap();
    assert_eq!(change_of(&r), json(&[9.0, 0.25, 3.0, 0.5, 2.0, 0.5, 2.0]));
    // A version 2 snapshot made before the change was saved: none known.
    let older = without(&s, &["taste", "change"]);
    let r = Orchestrator::from_snapshot(older, undef()).unwrap();
    assert_eq!(change_of(&r), json(&[0.0; 7]));
    assert!(r.play_next().unwrap().is_some());
    // A malformed one is refused, naming it.
    let bad = with(&s, &["taste", "change"], nums(&[1.0, -1.0, 0.0, 0.0, 0.0]));
    assert_error(
        Orchestrator::from_snapshot(bad, undef()),
        "RangeError",
        "change",
    );
}

#[wasm_bindgen_test]
fn answers_along_links_travel_and_an_older_version_2_snapshot_has_none() {
    let o = session();
    let s = o.snapshot().unwrap();
    let first = taste_numbers(&s, "first");
    // [heard, skipped] of first plays, then of those along the catalogue's ring: the session's
    // picks from a track follow its links, so some first plays did.
    assert_eq!(first.len(), 4);
    assert!(first[2] + first[3] > 0.0, "{first:?}");
    assert!(first[2] <= first[0] && first[3] <= first[1], "{first:?}");
    let first_of = |r: &Orchestrator| {
        JSON::stringify(&get(&get(&r.snapshot().unwrap(), "taste"), "first")).unwrap()
    };
    let json = |v: &[f64]| JSON::stringify(&nums(v)).unwrap();
    let r = Orchestrator::from_snapshot(through_json(&s), undef()).unwrap();
    assert_eq!(first_of(&r), json(&first));
    // A version 2 snapshot made before they were told apart: none known along links.
    let older = with(&s, &["taste", "first"], nums(&first[..2]));
    let r = Orchestrator::from_snapshot(older, undef()).unwrap();
    assert_eq!(first_of(&r), json(&[first[0], first[1], 0.0, 0.0]));
    assert!(r.play_next().unwrap().is_some());
    // Malformed ones are refused, naming the part.
    for (bad, part) in [
        (nums(&[1.0, 1.0, 0.5]), "snapshot.taste.first"),
        (nums(&[1.0, 1.0, 0.5, 0.5, 0.5]), "snapshot.taste.first"),
        (nums(&[1.0, 1.0, -0.5, 0.5]), "first"),
    ] {
        let s = with(&s, &["taste", "first"], bad);
        assert_error(Orchestrator::from_snapshot(s, undef()), "RangeError", part);
    }
}

#[wasm_bindgen_test]
fn learned_affinities_travel_and_an_older_version_2_snapshot_has_none() {
    let o = session();
    let s = o.snapshot().unwrap();
    let affinity = get(&get(&s, "taste"), "affinity");
    let ids = Array::from(&get(&affinity, "ids"));
    // Every track answered after another has a bias and 8 numbers.
    assert!(ids.length() > 0);
    assert_eq!(
        Array::from(&get(&affinity, "numbers")).length(),
        ids.length() * 9
    );
    assert!(get(&affinity, "gain").as_f64().unwrap().is_finite());
    // A store gets them as 32-bit floats, which the engine keeps: half the bytes, exactly.
    let stored = get(&get(&o.save_checkpoint().unwrap(), "state"), "taste");
    assert!(get(&get(&stored, "affinity"), "numbers").is_instance_of::<js_sys::Float32Array>());
    let affinity_of = |r: &Orchestrator| {
        JSON::stringify(&get(&get(&r.snapshot().unwrap(), "taste"), "affinity")).unwrap()
    };
    let r = Orchestrator::from_snapshot(through_json(&s), undef()).unwrap();
    assert_eq!(affinity_of(&r), JSON::stringify(&affinity).unwrap());
    // A version 2 snapshot made before affinities were learned: none, and the gate shut.
    let older = without(&s, &["taste", "affinity"]);
    let r = Orchestrator::from_snapshot(older, undef()).unwrap();
    assert_eq!(affinity_of(&r), r#"{"gain":0,"ids":[],"numbers":[]}"#);
    assert_eq!(
        get(&r.explain_next(undef()).unwrap(), "context").as_f64(),
        Some(0.0)
    );
    assert!(r.play_next().unwrap().is_some());
    // Numbers cut short, ids out of order, and a gain that is not a number are refused,
    // naming the part.
    let short = with(&s, &["taste", "affinity", "numbers"], nums(&[0.5, 0.25]));
    assert_error(
        Orchestrator::from_snapshot(short, undef()),
        "RangeError",
        "snapshot.taste.affinity.numbers",
    );
    let mut swapped: Vec<f64> = ids.iter().map(|v| v.as_f64().unwrap()).collect();
    swapped.reverse();
    if swapped.len() > 1 {
        assert_error(
            Orchestrator::from_snapshot(
                with(&s, &["taste", "affinity", "ids"], nums(&swapped)),
                undef(),
            ),
            "RangeError",
            "affinity",
        );
    }
    assert_error(
        Orchestrator::from_snapshot(
            with(&s, &["taste", "affinity", "gain"], JsValue::from_str("x")),
            undef(),
        ),
        "TypeError",
        "snapshot.taste.affinity.gain",
    );
}

#[wasm_bindgen_test]
fn whether_rows_serve_travels_and_an_older_version_2_snapshot_heeds_every_row() {
    let o = session();
    let s = o.snapshot().unwrap();
    let follow_of = |s: &JsValue| JSON::stringify(&get(&get(s, "taste"), "follow")).unwrap();
    let follow = taste_numbers(&s, "follow");
    // Six pairs; the session's picks after a track, mostly along the catalogue's rows, counted.
    assert_eq!(follow.len(), 12);
    assert!(follow.iter().all(|x| *x >= 0.0) && follow.iter().sum::<f64>() > 5.0);
    let r = Orchestrator::from_snapshot(through_json(&s), undef()).unwrap();
    assert_eq!(follow_of(&r.snapshot().unwrap()), follow_of(&s));
    // A version 2 snapshot made before they were kept: no answers, and picks go on.
    let r = Orchestrator::from_snapshot(without(&s, &["taste", "follow"]), undef()).unwrap();
    assert_eq!(
        follow_of(&r.snapshot().unwrap()),
        JSON::stringify(&nums(&[0.0; 12])).unwrap()
    );
    assert!(r.play_next().unwrap().is_some());
    // Malformed ones are refused, naming the part.
    let mut negative = [1.0; 12];
    negative[7] = -1.0;
    for (bad, part) in [
        (nums(&negative), "follow"),
        (nums(&[1.0; 11]), "snapshot.taste.follow"),
        (nums(&[1.0; 14]), "snapshot.taste.follow"),
    ] {
        let s = with(&s, &["taste", "follow"], bad);
        assert_error(Orchestrator::from_snapshot(s, undef()), "RangeError", part);
    }
}

#[wasm_bindgen_test]
fn how_picks_draw_travels_and_an_older_version_2_snapshot_draws_wide() {
    let o = session();
    // After `play_back`, the forward step is not drawn; the pick after it is.
    o.play_next().unwrap();
    assert_eq!(get(&o.snapshot().unwrap(), "drawn").as_f64(), Some(0.0));
    let prev = f64::from(o.play_next().unwrap().unwrap());
    let s = o.snapshot().unwrap();
    let drawn = get(&s, "drawn").as_f64().unwrap();
    assert!(drawn == 5.0 || drawn == 3.0, "drawn {drawn}");
    let draws = taste_numbers(&s, "draws");
    // The session answered 15 generated picks, each way's answers fading.
    assert_eq!(draws.len(), 4);
    assert!(draws.iter().all(|x| *x >= 0.0) && draws.iter().sum::<f64>() > 10.0);
    let draws_of = |r: &Orchestrator| {
        JSON::stringify(&get(&get(&r.snapshot().unwrap(), "taste"), "draws")).unwrap()
    };
    // Restored from JSON, the answer to the pick playing teaches the same way as it does live.
    let r = Orchestrator::from_snapshot(through_json(&s), undef()).unwrap();
    for e in [&o, &r] {
        let current = get(&e.playback_chain().unwrap(), "current");
        e.feedback(n(prev), current, n(1.0), n(200.0)).unwrap();
    }
    assert_eq!(draws_of(&r), draws_of(&o));
    assert_ne!(
        draws_of(&r),
        JSON::stringify(&get(&get(&s, "taste"), "draws")).unwrap()
    );
    // A version 2 snapshot made before picks chose how to draw: no answers, nothing playing
    // drawn, and picks go on.
    let older = without(&without(&s, &["taste", "draws"]), &["drawn"]);
    let r = Orchestrator::from_snapshot(older, undef()).unwrap();
    assert_eq!(draws_of(&r), JSON::stringify(&nums(&[0.0; 4])).unwrap());
    assert_eq!(get(&r.snapshot().unwrap(), "drawn").as_f64(), Some(0.0));
    assert!(r.play_next().unwrap().is_some());
    // Malformed ones are refused, naming the part.
    for (bad, error, part) in [
        (nums(&[1.0, -1.0, 0.0, 0.0]), "RangeError", "draws"),
        (nums(&[1.0, 1.0, 0.0]), "RangeError", "snapshot.taste.draws"),
        (nums(&[500.0, 1.0, 0.0, 0.0]), "RangeError", "draws"),
    ] {
        let s = with(&s, &["taste", "draws"], bad);
        assert_error(Orchestrator::from_snapshot(s, undef()), error, part);
    }
    for (bad, error) in [
        (n(4.0), "RangeError"),
        (JsValue::from_str("5"), "TypeError"),
    ] {
        let s = with(&s, &["drawn"], bad);
        assert_error(
            Orchestrator::from_snapshot(s, undef()),
            error,
            "snapshot.drawn",
        );
    }
}

/// A version 1 snapshot as the previous release wrote it: no taste, no replay, and options
/// without the adaptive policy's.
fn as_version_1(v2: &JsValue) -> JsValue {
    let copy = with(v2, &["version"], n(1.0));
    for key in ["taste", "replay"] {
        Reflect::delete_property(
            copy.unchecked_ref::<js_sys::Object>(),
            &JsValue::from_str(key),
        )
        .unwrap();
    }
    let options = get(&copy, "options");
    for key in ["policy", "memoryHalfLife", "exploration"] {
        Reflect::delete_property(
            options.unchecked_ref::<js_sys::Object>(),
            &JsValue::from_str(key),
        )
        .unwrap();
    }
    copy
}

#[wasm_bindgen_test]
fn a_version_1_snapshot_still_restores_under_the_default_policy() {
    let o = session();
    let r = Orchestrator::from_snapshot(as_version_1(&o.snapshot().unwrap()), undef()).unwrap();
    let s = r.snapshot().unwrap();
    assert_eq!(get(&s, "version").as_f64(), Some(2.0));
    assert_eq!(
        get(&get(&s, "options"), "policy").as_string().unwrap(),
        "adaptive"
    );
    assert_eq!(
        JSON::stringify(&get(&s, "base")).unwrap(),
        JSON::stringify(&get(&o.snapshot().unwrap(), "base")).unwrap()
    );
    // Nothing was learned per track yet; the chain and the graph carry on.
    assert_eq!(Array::from(&get(&get(&s, "taste"), "tracks")).length(), 0);
    assert!(r.play_next().unwrap().is_some());
    // Under the "seed" policy a version 1 snapshot resumes exactly as it was saved.
    let seed = opts(&[("policy", JsValue::from_str("seed"))]);
    let a =
        Orchestrator::from_snapshot(as_version_1(&o.snapshot().unwrap()), seed.clone()).unwrap();
    let b = Orchestrator::from_snapshot(o.snapshot().unwrap(), seed).unwrap();
    for _ in 0..30 {
        assert_eq!(a.play_next().unwrap(), b.play_next().unwrap());
    }
}

#[wasm_bindgen_test]
fn a_malformed_taste_is_refused_whole() {
    let s = session().snapshot().unwrap();
    let bad_tracks = Array::of4(&n(3.0), &n(f64::NAN), &n(1.0), &n(0.0));
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["taste", "tracks"], bad_tracks.into()), undef()),
        "RangeError",
        "snapshot.taste",
    );
    assert_error(
        Orchestrator::from_snapshot(
            with(&s, &["taste", "gaps"], Array::of2(&n(1.0), &n(1.0)).into()),
            undef(),
        ),
        "RangeError",
        "snapshot.taste",
    );
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["taste", "factor"], n(-5.0)), undef()),
        "RangeError",
        "snapshot.taste",
    );
    assert_error(
        Orchestrator::from_snapshot(with(&s, &["replay"], n(2.5)), undef()),
        "RangeError",
        "snapshot.replay",
    );
}

/// What a profile store writes: typed arrays. A checkpoint's rows with the state of a later
/// delta (lessons only: no row changed) restore to the live engine's snapshot.
#[wasm_bindgen_test]
fn a_checkpoint_and_a_delta_as_typed_arrays_restore_exactly() {
    let o = session();
    let checkpoint = o.save_checkpoint().unwrap();
    assert_eq!(get(&checkpoint, "full").as_bool(), Some(true));
    let rows = get(&checkpoint, "rows");
    assert!(rows.is_instance_of::<js_sys::Float64Array>());
    let mark = o.save_mark().unwrap();
    for _ in 0..5 {
        let id = o.play_next().unwrap().unwrap();
        o.feedback(n(1.0), n(f64::from(id)), n(10.0), n(200.0))
            .unwrap();
    }
    let delta = o.save_delta(&mark).unwrap();
    assert_eq!(get(&delta, "full").as_bool(), Some(false));
    assert_eq!(
        get(&delta, "rows")
            .unchecked_into::<js_sys::Float64Array>()
            .length(),
        0
    );
    let state = get(&delta, "state");
    assert!(get(&get(&state, "taste"), "tracks").is_instance_of::<js_sys::Float64Array>());
    assert!(get(&state, "base").is_undefined());
    Reflect::set(&state, &JsValue::from_str("base"), &rows).unwrap();
    let r = Orchestrator::from_snapshot(state, undef()).unwrap();
    assert_eq!(
        JSON::stringify(&r.snapshot().unwrap()).unwrap(),
        JSON::stringify(&o.snapshot().unwrap()).unwrap()
    );
}

#[wasm_bindgen_test]
fn the_chain_has_one_shape_in_play_back_chain_and_snapshots() {
    let o = session();
    let chain = o.playback_chain().unwrap();
    let saved = get(&o.snapshot().unwrap(), "chain");
    for key in ["back", "forward"] {
        let live: Vec<u32> = Array::from(&get(&chain, key))
            .iter()
            .map(|v| as_u32(&v))
            .collect();
        let in_snapshot: Vec<u32> = Array::from(&get(&saved, key))
            .iter()
            .map(|v| as_u32(&v))
            .collect();
        assert_eq!(live, in_snapshot, "{key}");
    }
    for key in ["current", "learningFrozen", "currentRemoved"] {
        assert!(
            Object::is(&get(&chain, key), &get(&saved, key)),
            "{key} differs"
        );
    }

    // Nothing playing: `current` is undefined in both, and a snapshot of an older version of
    // the package, with `current: null`, still restores.
    let fresh = Orchestrator::new(undef()).unwrap();
    assert!(get(&fresh.playback_chain().unwrap(), "current").is_undefined());
    let snapshot = fresh.snapshot().unwrap();
    assert!(get(&get(&snapshot, "chain"), "current").is_undefined());
    let older = with(&snapshot, &["chain", "current"], JsValue::NULL);
    let restored = Orchestrator::from_snapshot(older, undef()).unwrap();
    assert!(get(&restored.playback_chain().unwrap(), "current").is_undefined());
}

#[wasm_bindgen_test]
fn the_usual_surprise_rate_travels_and_an_older_version_2_snapshot_starts_it_at_0() {
    let o = session();
    let s = o.snapshot().unwrap();
    let usual = |s: &JsValue| get(&get(s, "taste"), "surpriseUsual").as_f64();
    let rate = usual(&s).unwrap();
    assert!((0.0..=1.0).contains(&rate), "usual {rate}");
    let r = Orchestrator::from_snapshot(through_json(&s), undef()).unwrap();
    assert_eq!(usual(&r.snapshot().unwrap()), Some(rate));
    // A rate the session may not have reached (it starts at 0) travels as well.
    let set = with(&s, &["taste", "surpriseUsual"], n(0.3));
    let r = Orchestrator::from_snapshot(through_json(&set), undef()).unwrap();
    assert_eq!(usual(&r.snapshot().unwrap()), Some(0.3));
    // Made before the usual rate was kept: 0, and picks go on.
    let r = Orchestrator::from_snapshot(without(&s, &["taste", "surpriseUsual"]), undef()).unwrap();
    assert_eq!(usual(&r.snapshot().unwrap()), Some(0.0));
    assert!(r.play_next().unwrap().is_some());
    for (bad, error, part) in [
        (n(1.5), "RangeError", "surprise"),
        (n(-0.1), "RangeError", "surprise"),
        (
            JsValue::from_str("x"),
            "TypeError",
            "snapshot.taste.surpriseUsual",
        ),
    ] {
        let s = with(&s, &["taste", "surpriseUsual"], bad);
        assert_error(Orchestrator::from_snapshot(s, undef()), error, part);
    }
}
