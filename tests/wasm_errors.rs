//! Bad input from JS is refused with a TypeError or RangeError naming the argument, changes
//! nothing, and never traps the module.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::wasm::Orchestrator;

/// Values that are not valid track ids, with the error class each must give.
fn bad_ids() -> Vec<(JsValue, &'static str)> {
    vec![
        (n(f64::NAN), "RangeError"),
        (n(1.5), "RangeError"),
        (n(-1.0), "RangeError"),
        (n(4_294_967_296.0), "RangeError"),
        (n(f64::INFINITY), "RangeError"),
        // The value the binding's fast number check answers for non-numbers: still a number.
        (n(-1.234_567_890_123_456_7e-300), "RangeError"),
        (JsValue::from_str("7"), "TypeError"),
        (undef(), "TypeError"),
        (JsValue::NULL, "TypeError"),
        (JsValue::bigint_from_str("7"), "TypeError"),
        (JsValue::from_bool(true), "TypeError"),
        (js_sys::Object::new().into(), "TypeError"),
    ]
}

#[wasm_bindgen_test]
fn bad_track_ids_are_refused_naming_the_argument() {
    let o = seeded(1.0);
    catalogue(&o, 5);
    let edges_before = o.base_graph().unwrap().edge_count().unwrap();
    for (bad, class) in bad_ids() {
        assert_error(o.learn(bad.clone(), n(1.0)), class, "fromId");
        assert_error(o.learn(n(1.0), bad.clone()), class, "toId");
        assert_error(
            o.feedback(bad.clone(), n(1.0), n(1.0), n(2.0)),
            class,
            "fromId",
        );
        assert_error(
            o.feedback(n(1.0), bad.clone(), n(1.0), n(2.0)),
            class,
            "toId",
        );
        assert_error(o.forget_track(bad.clone()), class, "id");
        assert_error(
            o.base_graph()
                .unwrap()
                .reinforce(bad.clone(), n(1.0), undef()),
            class,
            "from",
        );
        assert_error(
            o.base_graph()
                .unwrap()
                .penalty(n(1.0), bad.clone(), undef()),
            class,
            "to",
        );
        assert_error(o.base_graph().unwrap().edges(bad.clone()), class, "from");
        assert_error(
            o.runtime_graph().unwrap().probabilities(bad.clone()),
            class,
            "from",
        );
        assert_error(
            o.runtime_graph()
                .unwrap()
                .reinforce(n(1.0), bad.clone(), undef()),
            class,
            "to",
        );
        assert_error(
            o.runtime_graph()
                .unwrap()
                .add_cooldown(bad.clone(), n(1.0), n(1.0)),
            class,
            "from",
        );
    }
    assert_eq!(o.base_graph().unwrap().edge_count().unwrap(), edges_before);
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 0.0);
}

/// What a fast-path export (`__learn`, `__feedback`) returned, as the result
/// the package's glue makes of it.
fn thrown(outcome: JsValue) -> Result<(), JsValue> {
    if outcome.is_undefined() {
        Ok(())
    } else {
        Err(outcome)
    }
}

#[wasm_bindgen_test]
fn the_fast_paths_refuse_the_same_numbers() {
    let o = seeded(1.0);
    catalogue(&o, 5);
    for (bad, class) in bad_ids() {
        let Some(x) = bad.as_f64() else { continue };
        assert_eq!(class, "RangeError");
        assert_error(thrown(o.learn_numbers(x, 1.0)), class, "fromId");
        assert_error(thrown(o.learn_numbers(1.0, x)), class, "toId");
        assert_error(thrown(o.feedback_numbers(1.0, x, 1.0, 2.0)), class, "toId");
    }
    let feedback = |listened, duration| thrown(o.feedback_numbers(1.0, 2.0, listened, duration));
    assert_error(feedback(-1.0, 2.0), "RangeError", "listenedSeconds");
    assert_error(feedback(1.0, 0.0), "RangeError", "durationSeconds");
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 0.0);
    thrown(o.feedback_numbers(1.0, 2.0, 2.0, 2.0)).unwrap();
    thrown(o.learn_numbers(2.0, 3.0)).unwrap();
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 2.0);
}

#[wasm_bindgen_test]
fn typed_columns_are_refused_as_arrays_are() {
    let o = seeded(1.0);
    let base = o.base_graph().unwrap();
    let typed = |from: &[u32], to: &[u32], amounts: Option<&[f64]>| {
        thrown(base.reinforce_many_typed(from, to, amounts.is_some(), amounts.unwrap_or(&[])))
    };
    assert_error(
        typed(&[1, 2], &[2], None),
        "RangeError",
        "to is not as long",
    );
    assert_error(
        typed(&[1], &[2], Some(&[1.0, 2.0])),
        "RangeError",
        "amounts is not as long",
    );
    assert_error(typed(&[1, 2, 3], &[2, 0, 1], None), "RangeError", "to[1]");
    assert_error(
        typed(&[1, 2], &[2, 3], Some(&[1.0, f64::NAN])),
        "RangeError",
        "amounts[1]",
    );
    assert_eq!(base.edge_count().unwrap(), 0.0, "a refusal changes nothing");
    typed(&[1, 2], &[2, 3], Some(&[2.0, 0.5])).unwrap();
    typed(&[0, 3], &[3, 1], None).unwrap();
    assert_eq!(base_weight(&o, 1.0, 2.0), Some(2.0));
    assert_eq!(base_weight(&o, 2.0, 3.0), Some(0.5));
    assert_eq!(base_weight(&o, 3.0, 1.0), Some(1.0));
}

#[wasm_bindgen_test]
fn the_start_node_is_only_a_source() {
    let o = seeded(1.0);
    assert_error(o.learn(n(1.0), n(0.0)), "RangeError", "toId");
    assert_error(
        o.base_graph().unwrap().reinforce(n(1.0), n(0.0), undef()),
        "RangeError",
        "to",
    );
    assert_error(o.forget_track(n(0.0)), "RangeError", "id");
    o.learn(n(0.0), n(1.0)).unwrap();
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 1.0);
}

#[wasm_bindgen_test]
fn bad_amounts_and_feedback_times_are_refused() {
    let o = seeded(1.0);
    catalogue(&o, 5);
    for bad in [n(-1.0), n(f64::NAN), n(f64::INFINITY), n(1e10)] {
        assert_error(
            o.base_graph()
                .unwrap()
                .reinforce(n(1.0), n(2.0), bad.clone()),
            "RangeError",
            "amount",
        );
        assert_error(
            o.runtime_graph()
                .unwrap()
                .penalty(n(1.0), n(2.0), bad.clone()),
            "RangeError",
            "amount",
        );
    }
    for bad in [n(-1.0), n(f64::NAN), n(f64::INFINITY)] {
        assert_error(
            o.feedback(n(1.0), n(2.0), bad.clone(), n(10.0)),
            "RangeError",
            "listenedSeconds",
        );
        assert_error(
            o.feedback(n(1.0), n(2.0), n(1.0), bad.clone()),
            "RangeError",
            "durationSeconds",
        );
    }
    assert_error(
        o.feedback(n(1.0), n(2.0), n(1.0), n(0.0)),
        "RangeError",
        "durationSeconds",
    );
    assert_error(
        o.feedback(n(1.0), n(2.0), JsValue::from_str("1"), n(3.0)),
        "TypeError",
        "listenedSeconds",
    );
    assert_error(
        o.base_graph()
            .unwrap()
            .reinforce(n(1.0), n(2.0), JsValue::from_str("2")),
        "TypeError",
        "amount",
    );
    assert_error(
        o.runtime_graph()
            .unwrap()
            .add_cooldown(n(1.0), n(2.0), n(0.5)),
        "RangeError",
        "value",
    );
    assert_eq!(o.runtime_graph().unwrap().diffs().unwrap(), 0.0);
    assert_eq!(base_weight(&o, 1.0, 2.0), Some(3.0));
}

#[wasm_bindgen_test]
fn bad_options_are_refused_naming_the_option() {
    let bad = |key: &str, value: JsValue| Orchestrator::new(opts(&[(key, value)]));
    assert_error(bad("sede", n(1.0)), "TypeError", "sede");
    assert_error(bad("seed", JsValue::from_str("1")), "TypeError", "seed");
    assert_error(bad("seed", n(-1.0)), "RangeError", "seed");
    assert_error(bad("seed", n(0.5)), "RangeError", "seed");
    assert_error(bad("topK", n(0.0)), "RangeError", "topK");
    assert_error(
        bad("maxRuntimeDiffs", n(f64::NAN)),
        "RangeError",
        "maxRuntimeDiffs",
    );
    assert_error(
        bad("ttlCheckIntervalMs", n(0.0)),
        "RangeError",
        "ttlCheckIntervalMs",
    );
    assert_error(bad("giniThreshold", n(1.5)), "RangeError", "giniThreshold");
    assert_error(
        bad("giniThreshold", n(f64::NAN)),
        "RangeError",
        "giniThreshold",
    );
    assert_error(bad("skipThreshold", n(0.9)), "RangeError", "skipThreshold");
    assert_error(bad("skipPenalty", n(-2.0)), "RangeError", "skipPenalty");
    assert_error(
        bad("repeatWindow", JsValue::TRUE),
        "TypeError",
        "repeatWindow",
    );
    assert_error(
        Orchestrator::new(JsValue::from_str("fast")),
        "TypeError",
        "options",
    );
    assert_error(
        Orchestrator::new(js_sys::Array::new().into()),
        "TypeError",
        "options",
    );
    // Absent and undefined keys take the defaults.
    assert!(Orchestrator::new(JsValue::NULL).is_ok());
    assert!(Orchestrator::new(opts(&[("seed", undef())])).is_ok());
}

#[wasm_bindgen_test]
fn bad_event_subscriptions_are_refused() {
    let o = seeded(1.0);
    assert_error(
        o.on(JsValue::from_str("plays"), listener(|_| {}).into()),
        "TypeError",
        "type",
    );
    assert_error(
        o.on(JsValue::from_str("play"), n(1.0)),
        "TypeError",
        "listener",
    );
    assert_error(o.rebuild_runtime(n(3.0)), "TypeError", "reason");
}

#[wasm_bindgen_test]
fn a_throwing_listener_does_not_poison_the_engine() {
    let o = seeded(1.0);
    catalogue(&o, 5);
    let thrower = js_sys::Function::new_no_args("throw new Error('listener bug')");
    o.on(JsValue::from_str("play"), thrower.into()).unwrap();
    let (log, rec) = recorder();
    o.on(JsValue::from_str("play"), rec.into()).unwrap();
    for _ in 0..5 {
        assert!(o.play_next().unwrap().is_some());
    }
    assert_eq!(
        log.borrow().len(),
        5,
        "later listeners still hear every event"
    );
}

#[wasm_bindgen_test]
fn a_listener_and_error_reporters_that_throw_do_not_poison_the_engine() {
    // `reportError` and `console.error` that throw (as test harnesses make the console do).
    let global = js_sys::global();
    let key = |k: &str| JsValue::from_str(k);
    let console = js_sys::Reflect::get(&global, &key("console")).unwrap();
    let console_error = js_sys::Reflect::get(&console, &key("error")).unwrap();
    let report_error = js_sys::Reflect::get(&global, &key("reportError")).unwrap();
    let throwing = js_sys::Function::new_no_args("throw new Error('reporter bug')");
    js_sys::Reflect::set(&console, &key("error"), &throwing).unwrap();
    js_sys::Reflect::set(&global, &key("reportError"), &throwing).unwrap();

    let o = seeded(1.0);
    catalogue(&o, 5);
    let thrower = js_sys::Function::new_no_args("throw new Error('listener bug')");
    o.on(key("play"), thrower.into()).unwrap();
    let (log, rec) = recorder();
    o.on(key("play"), rec.into()).unwrap();
    let played: Vec<bool> = (0..5)
        .map(|_| matches!(o.play_next(), Ok(Some(_))))
        .collect();

    js_sys::Reflect::set(&console, &key("error"), &console_error).unwrap();
    if report_error.is_undefined() {
        js_sys::Reflect::delete_property(
            global.unchecked_ref::<js_sys::Object>(),
            &key("reportError"),
        )
        .unwrap();
    } else {
        js_sys::Reflect::set(&global, &key("reportError"), &report_error).unwrap();
    }
    assert_eq!(played, vec![true; 5]);
    assert_eq!(
        log.borrow().len(),
        5,
        "later listeners still hear every event"
    );
}

#[wasm_bindgen_test]
fn everything_keeps_working_after_errors() {
    let o = seeded(7.0);
    catalogue(&o, 5);
    let other = seeded(7.0);
    catalogue(&other, 5);
    for (bad, _) in bad_ids() {
        let _ = o.learn(bad.clone(), bad.clone());
        let _ = o.feedback(bad.clone(), bad.clone(), bad.clone(), bad.clone());
        let _ = o
            .base_graph()
            .unwrap()
            .reinforce(bad.clone(), bad.clone(), bad.clone());
    }
    // The same calls on both give the same answers: the errors left no trace.
    for _ in 0..50 {
        assert_eq!(o.play_next().unwrap(), other.play_next().unwrap());
    }
}
