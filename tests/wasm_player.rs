//! What a music app needs, through the binding as JS calls it: `playTrack`, the
//! queue, `learnHistory`, `reinforceMany` / `toArrays`, and releasing an engine (what the
//! package's `free()` and `[Symbol.dispose]()` call) from anywhere, once or twice.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use js_sys::{Array, Float64Array, Function, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::wasm::{wasm_memory_bytes, Orchestrator};

fn ids_of(v: &JsValue) -> Vec<u32> {
    Array::from(v).iter().map(|x| as_u32(&x)).collect()
}

fn sources(log: &Log) -> Vec<(u32, String)> {
    log.borrow()
        .iter()
        .map(|e| (as_u32(&get(e, "id")), get(e, "source").as_string().unwrap()))
        .collect()
}

/// Asserts `result` is the plain `Error` of a freed object.
#[track_caller]
fn assert_freed<T: std::fmt::Debug>(result: Result<T, JsValue>, class: &str) {
    let err = result.expect_err("a freed object must refuse the call");
    let e: &js_sys::Error = err.dyn_ref().expect("an Error");
    assert!(
        !err.is_instance_of::<js_sys::TypeError>() && !err.is_instance_of::<js_sys::RangeError>()
    );
    assert_eq!(String::from(e.message()), format!("this {class} was freed"));
}

// ---------------------------------------------------------------------------------------------
// playTrack and the queue

#[wasm_bindgen_test]
fn play_track_plays_the_choice_and_learns_it() {
    let o = seeded(3.0);
    catalogue(&o, 6);
    let (plays, rec) = recorder();
    let (lessons, learn_rec) = recorder();
    o.on(JsValue::from_str("play"), rec.into()).unwrap();
    o.on(JsValue::from_str("learn"), learn_rec.into()).unwrap();
    let first = o.play_next().unwrap().unwrap();
    o.play_track(n(5.0)).unwrap();
    let chain = o.playback_chain().unwrap();
    assert_eq!(get(&chain, "current").as_f64(), Some(5.0));
    assert_eq!(ids_of(&get(&chain, "back")), vec![first]);
    assert_eq!(sources(&plays)[1], (5, "chosen".to_owned()));
    let lesson = &lessons.borrow()[0];
    assert_eq!(as_u32(&get(lesson, "from")), first);
    assert_eq!(as_u32(&get(lesson, "to")), 5);
    assert_eq!(get(lesson, "kind").as_string().unwrap(), "choice");
    let bonuses = o.runtime_graph().unwrap().bonuses().unwrap();
    let row: js_sys::Map = bonuses.get(&n(f64::from(first))).unchecked_into();
    assert_eq!(row.get(&n(5.0)).as_f64(), Some(1.0));
    for (bad, class) in [
        (n(0.0), "RangeError"),
        (JsValue::from_str("5"), "TypeError"),
    ] {
        assert_error(o.play_track(bad), class, "id");
    }
}

#[wasm_bindgen_test]
fn plays_counts_the_tracks_played() {
    let o = seeded(3.0);
    catalogue(&o, 6);
    assert_eq!(o.plays().unwrap(), 0.0);
    o.play_next().unwrap();
    o.play_track(n(5.0)).unwrap();
    assert!(o.play_track(n(0.0)).is_err());
    assert_eq!(o.plays().unwrap(), 2.0);
}

#[wasm_bindgen_test]
fn the_choice_amount_option() {
    let o = Orchestrator::new(opts(&[
        ("choiceAmount", n(3.0)),
        ("sessionGapMs", n(60_000.0)),
    ]))
    .unwrap();
    assert_eq!(
        get(&o.options().unwrap(), "choiceAmount").as_f64(),
        Some(3.0)
    );
    assert_eq!(
        get(&o.options().unwrap(), "sessionGapMs").as_f64(),
        Some(60_000.0)
    );
    o.play_track(n(2.0)).unwrap();
    let edges = o.runtime_graph().unwrap().bonuses().unwrap();
    let row: js_sys::Map = edges.get(&n(0.0)).unchecked_into();
    assert_eq!(row.get(&n(2.0)).as_f64(), Some(3.0));
    assert_error(
        Orchestrator::new(opts(&[("choiceAmount", n(-1.0))])),
        "RangeError",
        "choiceAmount",
    );
    assert_error(
        Orchestrator::new(opts(&[("sessionGapMs", n(0.5))])),
        "RangeError",
        "sessionGapMs",
    );
}

#[wasm_bindgen_test]
fn the_queue_plays_after_the_forward_stack_and_before_a_generated_pick() {
    let o = seeded(4.0);
    catalogue(&o, 8);
    let (plays, rec) = recorder();
    o.on(JsValue::from_str("play"), rec.into()).unwrap();
    let a = o.play_next().unwrap().unwrap();
    let b = o.play_next().unwrap().unwrap();
    o.play_back().unwrap();
    o.enqueue(nums(&[7.0, 3.0])).unwrap();
    o.enqueue(n(6.0)).unwrap();
    o.enqueue(Uint32Array::from(&[3u32][..]).into()).unwrap();
    assert_eq!(ids_of(&o.queue().unwrap().into()), vec![7, 3, 6, 3]);
    assert!(o.remove_from_queue(n(3.0)).unwrap());
    assert_eq!(o.play_next().unwrap(), Some(b));
    assert_eq!(o.play_next().unwrap(), Some(7));
    assert_eq!(o.play_next().unwrap(), Some(6));
    let generated = o.play_next().unwrap().unwrap();
    let got: Vec<String> = sources(&plays).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        got,
        [
            "generated",
            "generated",
            "back",
            "forward",
            "queue",
            "queue",
            "generated"
        ]
    );
    assert_ne!(generated, 0);
    let _ = a;
    // Several at once, each every time it is queued; a refusal removes nothing.
    o.enqueue(nums(&[2.0, 5.0, 2.0, 8.0])).unwrap();
    assert_error(
        o.remove_from_queue(nums(&[2.0, 0.0])),
        "RangeError",
        "ids[1]",
    );
    assert_eq!(o.queue().unwrap().length(), 4);
    assert!(o.remove_from_queue(nums(&[2.0, 8.0])).unwrap());
    assert_eq!(ids_of(&o.queue().unwrap().into()), vec![5]);
    assert!(!o
        .remove_from_queue(Uint32Array::from(&[2u32][..]).into())
        .unwrap());
    assert_error(
        o.remove_from_queue(JsValue::from_str("5")),
        "TypeError",
        "ids",
    );
    o.enqueue(nums(&[2.0, 2.0])).unwrap();
    o.clear_queue().unwrap();
    assert_eq!(o.queue().unwrap().length(), 0);
    // A bad list is refused whole, naming the index.
    assert_error(o.enqueue(nums(&[1.0, 0.0])), "RangeError", "ids[1]");
    let mixed: Array = [n(1.0), JsValue::from_str("2")].iter().collect();
    assert_error(o.enqueue(mixed.into()), "TypeError", "ids[1]");
    assert_error(o.enqueue(JsValue::from_str("1")), "TypeError", "ids");
    assert_eq!(o.queue().unwrap().length(), 0);
    // Snapshots keep it.
    o.enqueue(nums(&[4.0, 1.0])).unwrap();
    let r = Orchestrator::from_snapshot(o.snapshot().unwrap(), undef()).unwrap();
    assert_eq!(ids_of(&r.queue().unwrap().into()), vec![4, 1]);
    // A forgotten track leaves it.
    r.forget_track(n(4.0)).unwrap();
    assert_eq!(ids_of(&r.queue().unwrap().into()), vec![1]);
}

// ---------------------------------------------------------------------------------------------
// learnHistory

fn play(id: f64, listened: f64, at: f64) -> JsValue {
    opts(&[
        ("id", n(id)),
        ("listenedSeconds", n(listened)),
        ("durationSeconds", n(200.0)),
        ("at", n(at)),
    ])
}

#[wasm_bindgen_test]
fn learn_history_takes_objects_or_columns_and_reports() {
    let minute = 60_000.0;
    let plays: Array = [
        play(1.0, 200.0, 0.0),
        play(2.0, 10.0, 4.0 * minute),
        JsValue::NULL,
        play(1.5, 200.0, 5.0 * minute),
        play(3.0, 200.0, 90.0 * minute),
    ]
    .iter()
    .collect();
    let o = seeded(1.0);
    let report = o.learn_history(plays.into()).unwrap();
    assert_eq!(get(&report, "plays").as_f64(), Some(3.0));
    assert_eq!(get(&report, "transitions").as_f64(), Some(1.0));
    assert_eq!(get(&report, "sessions").as_f64(), Some(2.0));
    let refused = Array::from(&get(&report, "refused"));
    assert_eq!(refused.length(), 2);
    assert_eq!(get(&refused.get(0), "index").as_f64(), Some(2.0));
    assert!(get(&refused.get(1), "reason")
        .as_string()
        .unwrap()
        .contains("id"));
    let penalties = o.runtime_graph().unwrap().penalties().unwrap();
    let row: js_sys::Map = penalties.get(&n(1.0)).unchecked_into();
    assert_eq!(row.get(&n(2.0)).as_f64(), Some(2.0), "a skip (10 of 200 s)");

    // The same as columns, typed or not.
    let columns = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&columns, &JsValue::from_str(k), &v).unwrap();
    set("id", Uint32Array::from(&[1u32, 2, 3][..]).into());
    set("listenedSeconds", nums(&[200.0, 10.0, 200.0]));
    set(
        "durationSeconds",
        Float64Array::from(&[200.0, 200.0, 200.0][..]).into(),
    );
    set("at", nums(&[0.0, 4.0 * minute, 90.0 * minute]));
    let c = seeded(1.0);
    let report = c.learn_history(columns.clone().into()).unwrap();
    assert_eq!(get(&report, "plays").as_f64(), Some(3.0));
    assert_eq!(get(&report, "sessions").as_f64(), Some(2.0));
    set("at", nums(&[0.0, 1.0]));
    assert_error(
        c.learn_history(columns.clone().into()),
        "RangeError",
        "plays.at",
    );
    set("at", JsValue::from_str("soon"));
    assert_error(c.learn_history(columns.into()), "TypeError", "plays.at");
    assert_error(c.learn_history(n(3.0)), "TypeError", "plays");
}

// ---------------------------------------------------------------------------------------------
// reinforceMany and toArrays

#[wasm_bindgen_test]
fn reinforce_many_equals_reinforce_per_edge_and_to_arrays_gives_it_back() {
    let from = [1.0, 1.0, 2.0, 0.0, 3.0, 1.0];
    let to = [2.0, 3.0, 3.0, 1.0, 1.0, 2.0];
    let amounts = [1.5, 2.0, 1.0, 4.0, 0.25, 3.0];
    let one = seeded(1.0);
    for i in 0..from.len() {
        one.base_graph()
            .unwrap()
            .reinforce(n(from[i]), n(to[i]), n(amounts[i]))
            .unwrap();
    }
    let many = seeded(1.0);
    many.base_graph()
        .unwrap()
        .reinforce_many(
            Uint32Array::from(&[1u32, 1, 2, 0, 3, 1][..]).into(),
            nums(&to),
            Float64Array::from(&amounts[..]).into(),
        )
        .unwrap();
    for f in 0..4 {
        let a = one.base_graph().unwrap().edges(n(f64::from(f))).unwrap();
        let b = many.base_graph().unwrap().edges(n(f64::from(f))).unwrap();
        assert_eq!(a.size(), b.size());
        a.for_each(&mut |w, k| assert_eq!(b.get(&k).as_f64(), w.as_f64()));
    }
    // Amounts default to 1.
    let ones = seeded(1.0);
    ones.base_graph()
        .unwrap()
        .reinforce_many(nums(&[1.0, 1.0]), nums(&[2.0, 2.0]), undef())
        .unwrap();
    assert_eq!(base_weight(&ones, 1.0, 2.0), Some(2.0));
    // Out: every edge but the start row's, typed, and back in again.
    let arrays = many.base_graph().unwrap().to_arrays().unwrap();
    let f: Uint32Array = get(&arrays, "from").unchecked_into();
    let t: Uint32Array = get(&arrays, "to").unchecked_into();
    let w: Float64Array = get(&arrays, "weight").unchecked_into();
    assert_eq!(f.to_vec(), vec![1, 1, 2, 3]);
    assert_eq!(t.to_vec(), vec![2, 3, 3, 1]);
    assert_eq!(w.to_vec(), vec![4.5, 2.0, 1.0, 0.25]);
    let copy = seeded(1.0);
    copy.base_graph()
        .unwrap()
        .reinforce_many(f.into(), t.into(), w.into())
        .unwrap();
    for from in 1..4 {
        let a = many
            .base_graph()
            .unwrap()
            .edges(n(f64::from(from)))
            .unwrap();
        let b = copy
            .base_graph()
            .unwrap()
            .edges(n(f64::from(from)))
            .unwrap();
        a.for_each(&mut |w, k| assert_eq!(b.get(&k).as_f64(), w.as_f64()));
    }
}

#[wasm_bindgen_test]
fn reinforce_many_checks_everything_before_changing_anything() {
    let o = seeded(1.0);
    let g = o.base_graph().unwrap();
    g.reinforce(n(1.0), n(2.0), undef()).unwrap();
    assert_error(
        g.reinforce_many(nums(&[1.0, 2.0, 3.0]), nums(&[2.0, 0.0, 1.0]), undef()),
        "RangeError",
        "to[1]",
    );
    assert_error(
        g.reinforce_many(nums(&[1.0, 2.5]), nums(&[2.0, 3.0]), undef()),
        "RangeError",
        "from[1]",
    );
    assert_error(
        g.reinforce_many(nums(&[1.0, 2.0]), nums(&[2.0, 3.0]), nums(&[1.0, f64::NAN])),
        "RangeError",
        "amounts[1]",
    );
    let mixed: Array = [n(1.0), JsValue::UNDEFINED].iter().collect();
    assert_error(
        g.reinforce_many(mixed.into(), nums(&[2.0, 3.0]), undef()),
        "TypeError",
        "from[1]",
    );
    assert_error(
        g.reinforce_many(nums(&[1.0]), nums(&[2.0, 3.0]), undef()),
        "RangeError",
        "to",
    );
    assert_error(
        g.reinforce_many(JsValue::from_str("1,2"), nums(&[2.0]), undef()),
        "TypeError",
        "from",
    );
    let bigints = js_sys::BigInt64Array::new_with_length(1);
    assert_error(
        g.reinforce_many(bigints.into(), nums(&[2.0]), undef()),
        "TypeError",
        "from",
    );
    assert_eq!(g.edge_count().unwrap(), 2.0, "nothing applied");
}

#[wasm_bindgen_test]
fn runtime_graph_reinforce_takes_an_amount() {
    let o = seeded(1.0);
    catalogue(&o, 4);
    let rt = o.runtime_graph().unwrap();
    rt.reinforce(n(1.0), n(2.0), n(10.0)).unwrap();
    rt.penalty(n(1.0), n(3.0), n(4.0)).unwrap();
    let bonus: js_sys::Map = rt.bonuses().unwrap().get(&n(1.0)).unchecked_into();
    assert_eq!(bonus.get(&n(2.0)).as_f64(), Some(10.0));
    let penalty: js_sys::Map = rt.penalties().unwrap().get(&n(1.0)).unchecked_into();
    assert_eq!(penalty.get(&n(3.0)).as_f64(), Some(4.0));
    rt.reinforce(n(1.0), n(2.0), undef()).unwrap();
    let bonus: js_sys::Map = rt.bonuses().unwrap().get(&n(1.0)).unchecked_into();
    assert_eq!(bonus.get(&n(2.0)).as_f64(), Some(11.0));
    assert_error(
        rt.reinforce(n(1.0), n(2.0), n(-1.0)),
        "RangeError",
        "amount",
    );
}

// ---------------------------------------------------------------------------------------------
// Releasing an engine (the package's free() and [Symbol.dispose]())

#[wasm_bindgen_test]
fn a_released_engine_refuses_every_call_clearly_and_release_is_idempotent() {
    let o = seeded(1.0);
    catalogue(&o, 4);
    let base = o.base_graph().unwrap();
    let rt = o.runtime_graph().unwrap();
    let (_, rec) = recorder();
    let off: Function = o.on(JsValue::from_str("play"), rec.into()).unwrap();
    o.release();
    o.release();
    assert_freed(o.play_next(), "Orchestrator");
    assert_freed(o.play_track(n(1.0)), "Orchestrator");
    assert_freed(o.snapshot(), "Orchestrator");
    assert_freed(o.learn(n(1.0), n(2.0)), "Orchestrator");
    assert_freed(o.queue(), "Orchestrator");
    assert_freed(base.ids(), "Orchestrator");
    assert_freed(base.edge_count(), "Orchestrator");
    assert_freed(rt.build_version(), "Orchestrator");
    assert_freed(rt.probabilities(n(1.0)), "Orchestrator");
    // Unsubscribing afterwards does nothing, and throws nothing.
    off.call0(&JsValue::UNDEFINED).unwrap();
    // A handle released on its own says so; its orchestrator goes on.
    let p = seeded(2.0);
    catalogue(&p, 3);
    let g = p.base_graph().unwrap();
    g.release();
    g.release();
    assert_freed(g.ids(), "BaseGraph");
    let r = p.runtime_graph().unwrap();
    r.release();
    assert_freed(r.diffs(), "RuntimeGraph");
    assert_eq!(p.base_graph().unwrap().ids().unwrap().length(), 3);
}

#[wasm_bindgen_test]
fn release_from_a_listener_takes_effect_when_the_call_returns() {
    let o = Rc::new(seeded(1.0));
    catalogue(&o, 5);
    let inner = Rc::downgrade(&o);
    let heard = Rc::new(RefCell::new(0));
    let count = heard.clone();
    let f = listener(move |_| {
        *count.borrow_mut() += 1;
        if let Some(o) = inner.upgrade() {
            o.release();
        }
    });
    o.on(JsValue::from_str("play"), f.into()).unwrap();
    // The call that emitted the event finishes and returns its pick.
    assert!(o.play_next().unwrap().is_some());
    assert_eq!(*heard.borrow(), 1);
    assert_freed(o.play_next(), "Orchestrator");
}

#[wasm_bindgen_test]
fn release_lets_go_of_the_engine_whatever_js_still_holds() {
    // Engines of 40 000 edges each, released with an unsubscribe function, a base graph and a
    // runtime graph still referenced: the wasm memory stays flat (it grew by 5.8 -> 65 MiB
    // for 5 000 engines when an unsubscribe function kept its engine).
    let mut kept = Vec::new();
    let graph = |o: &Orchestrator| {
        let from: Vec<u32> = (0..40_000).map(|i| 1 + i / 40).collect();
        let to: Vec<u32> = (0..40_000).map(|i| 1 + (i * 7) % 997).collect();
        o.base_graph()
            .unwrap()
            .reinforce_many(
                Uint32Array::from(&from[..]).into(),
                Uint32Array::from(&to[..]).into(),
                undef(),
            )
            .unwrap();
        o.rebuild_runtime(JsValue::from_str("loaded")).unwrap();
    };
    let cycle = |kept: &mut Vec<JsValue>| {
        let o = seeded(1.0);
        graph(&o);
        let (_, rec) = recorder();
        kept.push(o.on(JsValue::from_str("play"), rec.into()).unwrap().into());
        kept.push(o.base_graph().unwrap().into());
        kept.push(o.runtime_graph().unwrap().into());
        o.release();
    };
    for _ in 0..5 {
        cycle(&mut kept);
    }
    let before = wasm_memory_bytes();
    for _ in 0..60 {
        cycle(&mut kept);
    }
    let grown = wasm_memory_bytes() - before;
    // 60 engines kept alive would hold some 60 x 1.2 MB.
    assert!(grown < 8.0 * 1024.0 * 1024.0, "grew by {grown} bytes");
}

#[wasm_bindgen_test]
fn hostile_arrays_are_errors_and_the_engine_goes_on() {
    let o = seeded(1.0);
    catalogue(&o, 4);
    let make = |body: &str| {
        Function::new_no_args(body)
            .call0(&JsValue::UNDEFINED)
            .unwrap()
    };
    // A length that throws, a revoked proxy, an element getter that throws, a typed array
    // whose subarray answers with the wrong length.
    let hostile = [
        make("return new Proxy([1, 2], { get(t, k) { if (k === 'length') throw new Error('boom'); return t[k]; } })"),
        make("const p = Proxy.revocable([1], {}); p.revoke(); return p.proxy;"),
        make("const a = [1, 2]; Object.defineProperty(a, 1, { get() { throw new Error('boom'); } }); return a;"),
        make("class Odd extends Float64Array { subarray() { return new Float64Array(1); } } return new Odd(3);"),
    ];
    for bad in hostile {
        assert!(o
            .base_graph()
            .unwrap()
            .reinforce_many(bad.clone(), nums(&[2.0, 3.0, 4.0]), undef())
            .is_err());
        assert!(o.enqueue(bad.clone()).is_err());
        assert!(o.learn_history(bad).is_err());
        // The object is not left borrowed, nor the engine held: calls go on.
        assert!(o.play_next().unwrap().is_some());
    }
    let throwing_play = make("return [{ get id() { throw new Error('boom'); } }];");
    assert!(o.learn_history(throwing_play).is_err());
    assert!(o.play_next().unwrap().is_some());
}
