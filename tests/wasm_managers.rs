//! The managers on the real host executor (`spawn_local`) with real timers, and listeners that
//! call back into the engine.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::wasm::Orchestrator;

fn reasons(log: &Log) -> Vec<String> {
    log.borrow()
        .iter()
        .map(|e| get(e, "reason").as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn start_and_stop_resolve() {
    let o = seeded(1.0);
    o.start().unwrap();
    o.start().unwrap();
    assert!(o.running().unwrap());
    JsFuture::from(o.stop().unwrap()).await.unwrap();
    assert!(!o.running().unwrap());
    JsFuture::from(o.stop().unwrap()).await.unwrap();
    // Stop before any start resolves too.
    JsFuture::from(seeded(2.0).stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn diff_manager_rebuilds_once_the_limit_is_exceeded() {
    let o = Orchestrator::new(opts(&[("seed", n(1.0)), ("maxRuntimeDiffs", n(5.0))])).unwrap();
    catalogue(&o, 5);
    let (rebuilds, rec) = recorder();
    o.on(JsValue::from_str("rebuild"), rec.into()).unwrap();
    o.start().unwrap();
    for _ in 0..5 {
        o.learn(n(1.0), n(2.0)).unwrap();
    }
    sleep(0.0).await;
    assert!(rebuilds.borrow().is_empty(), "5 diffs do not exceed 5");
    o.learn(n(1.0), n(2.0)).unwrap();
    sleep(0.0).await;
    assert_eq!(reasons(&rebuilds), ["diff limit exceeded"]);
    assert_eq!(get(&rebuilds.borrow()[0], "diffs").as_f64(), Some(6.0));
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 0.0);
    JsFuture::from(o.stop().unwrap()).await.unwrap();
    // Stopped: no automatic rebuild any more, but every call still works.
    for _ in 0..10 {
        o.learn(n(1.0), n(2.0)).unwrap();
    }
    sleep(5.0).await;
    assert_eq!(rebuilds.borrow().len(), 1);
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 10.0);
    assert!(o.play_next().unwrap().is_some());
}

#[wasm_bindgen_test]
async fn ttl_manager_rebuilds_an_old_build_on_real_timers() {
    let o = Orchestrator::new(opts(&[
        ("seed", n(1.0)),
        ("ttlCheckIntervalMs", n(10.0)),
        ("maxRuntimeAgeMs", n(30.0)),
    ]))
    .unwrap();
    let (rebuilds, rec) = recorder();
    o.on(JsValue::from_str("rebuild"), rec.into()).unwrap();
    o.start().unwrap();
    for _ in 0..100 {
        if !rebuilds.borrow().is_empty() {
            break;
        }
        sleep(10.0).await;
    }
    assert_eq!(
        reasons(&rebuilds).first().map(String::as_str),
        Some("time to live is up")
    );
    JsFuture::from(o.stop().unwrap()).await.unwrap();
    let count = rebuilds.borrow().len();
    sleep(80.0).await;
    assert_eq!(rebuilds.borrow().len(), count, "no TTL rebuild after stop");
}

#[wasm_bindgen_test]
async fn cooldowns_wear_off_one_step_per_generated_play() {
    let o = seeded(3.0);
    catalogue(&o, 12);
    o.start().unwrap();
    o.runtime_graph()
        .unwrap()
        .add_cooldown(n(1.0), n(2.0), n(3.0))
        .unwrap();
    // A burst before the executor runs: nothing is lost when signals coalesce.
    o.play_next().unwrap();
    o.play_next().unwrap();
    sleep(0.0).await;
    let row: js_sys::Map = o
        .runtime_graph()
        .unwrap()
        .cooldowns()
        .unwrap()
        .get(&n(1.0))
        .unchecked_into();
    assert_eq!(row.get(&n(2.0)).as_f64(), Some(1.0));
    o.play_next().unwrap();
    sleep(0.0).await;
    assert_eq!(o.runtime_graph().unwrap().cooldowns().unwrap().size(), 0);
    JsFuture::from(o.stop().unwrap()).await.unwrap();
}

#[wasm_bindgen_test]
async fn listeners_may_call_back_into_the_engine() {
    let o =
        Rc::new(Orchestrator::new(opts(&[("seed", n(4.0)), ("maxRuntimeDiffs", n(2.0))])).unwrap());
    catalogue(&o, 8);
    // On the diff manager's rebuild: rebuild again by hand, play, learn, and stop the managers.
    let inner = o.clone();
    let rebuilt_by_hand = Rc::new(Cell::new(false));
    let flag = rebuilt_by_hand.clone();
    o.on(
        JsValue::from_str("rebuild"),
        listener(move |e| {
            if get(&e, "reason").as_string().as_deref() == Some("diff limit exceeded") {
                inner
                    .rebuild_runtime(JsValue::from_str("from a listener"))
                    .unwrap();
                inner.play_next().unwrap().unwrap();
                inner.learn(n(1.0), n(2.0)).unwrap();
                let _ = inner.stop().unwrap();
                flag.set(true);
            }
        })
        .into(),
    )
    .unwrap();
    // Every play makes a listener play again once (bounded), and learn.
    let inner = o.clone();
    let depth = Rc::new(Cell::new(0));
    o.on(
        JsValue::from_str("play"),
        listener(move |_| {
            if depth.get() < 3 {
                depth.set(depth.get() + 1);
                inner.play_next().unwrap().unwrap();
                let _ = inner.explain_next(JsValue::UNDEFINED);
                let _ = inner.playback_chain().unwrap();
            }
        })
        .into(),
    )
    .unwrap();
    let (rebuilds, rec) = recorder();
    o.on(JsValue::from_str("rebuild"), rec.into()).unwrap();
    o.start().unwrap();
    o.play_next().unwrap().unwrap();
    for _ in 0..3 {
        o.learn(n(1.0), n(3.0)).unwrap();
    }
    sleep(5.0).await;
    assert!(rebuilt_by_hand.get());
    assert_eq!(
        reasons(&rebuilds),
        ["diff limit exceeded", "from a listener"]
    );
    assert!(!o.running().unwrap());
    assert_eq!(o.runtime_graph().unwrap().build_version().unwrap(), 3.0);
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 1.0);
}

#[wasm_bindgen_test]
async fn stop_then_start_quickly_runs_one_set_of_managers() {
    let o = Orchestrator::new(opts(&[("seed", n(5.0)), ("maxRuntimeDiffs", n(3.0))])).unwrap();
    catalogue(&o, 5);
    let (rebuilds, rec) = recorder();
    o.on(JsValue::from_str("rebuild"), rec.into()).unwrap();
    for _ in 0..5 {
        o.start().unwrap();
        let _ = o.stop().unwrap();
    }
    o.start().unwrap();
    for _ in 0..4 {
        o.learn(n(1.0), n(2.0)).unwrap();
    }
    sleep(5.0).await;
    // Had an old lifecycle's diff manager acted too, there would be two rebuilds.
    assert_eq!(reasons(&rebuilds), ["diff limit exceeded"]);
    JsFuture::from(o.stop().unwrap()).await.unwrap();
}
