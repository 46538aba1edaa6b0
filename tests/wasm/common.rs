//! Helpers shared by the wasm-bindgen tests: JS values, error checks, real-timer sleeps and
//! listeners made from Rust closures.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use memory_player::wasm::Orchestrator;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
}

/// Waits `ms` of real time on the host's event loop (lets the managers run).
pub(crate) async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

pub(crate) fn n(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

pub(crate) fn undef() -> JsValue {
    JsValue::UNDEFINED
}

/// An options object from `(key, value)` pairs.
pub(crate) fn opts(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

/// The base graph's weight of `from -> to` as JS reads it (`None` when there is no edge).
pub(crate) fn base_weight(o: &Orchestrator, from: f64, to: f64) -> Option<f64> {
    o.base_graph()
        .unwrap()
        .edges(n(from))
        .unwrap()
        .get(&n(to))
        .as_f64()
}

pub(crate) fn seeded(seed: f64) -> Orchestrator {
    Orchestrator::new(opts(&[("seed", n(seed))])).unwrap()
}

/// A small catalogue: 0 -> 1..=n, and a ring i -> i+1 with a shortcut i -> i+2.
pub(crate) fn catalogue(o: &Orchestrator, tracks: u32) {
    let g = o.base_graph().unwrap();
    for i in 1..=tracks {
        g.reinforce(n(0.0), n(f64::from(i)), undef()).unwrap();
        let next = i % tracks + 1;
        g.reinforce(n(f64::from(i)), n(f64::from(next)), n(3.0))
            .unwrap();
        let skip = (i + 1) % tracks + 1;
        g.reinforce(n(f64::from(i)), n(f64::from(skip)), undef())
            .unwrap();
    }
    o.rebuild_runtime(JsValue::from_str("catalogue loaded"))
        .unwrap();
}

/// Asserts `result` is an error of the given JS class whose message names `argument`.
#[track_caller]
pub(crate) fn assert_error<T: std::fmt::Debug>(
    result: Result<T, JsValue>,
    class: &str,
    argument: &str,
) {
    let err = result.expect_err("expected an error");
    let is_class = match class {
        "TypeError" => err.is_instance_of::<js_sys::TypeError>(),
        "RangeError" => err.is_instance_of::<js_sys::RangeError>(),
        _ => false,
    };
    let message: String = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| e.message().into())
        .unwrap_or_default();
    assert!(is_class, "expected a {class}, got {err:?} ({message})");
    assert!(
        message.contains(argument),
        "message {message:?} should name {argument}"
    );
}

/// Events recorded by a listener, as JS objects.
pub(crate) type Log = Rc<RefCell<Vec<JsValue>>>;

/// A listener that records every event it gets.
pub(crate) fn recorder() -> (Log, Function) {
    let log: Log = Rc::default();
    let sink = log.clone();
    let f = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| sink.borrow_mut().push(e));
    (log, f.into_js_value().unchecked_into())
}

/// A listener that runs `f` for every event.
pub(crate) fn listener(f: impl FnMut(JsValue) + 'static) -> Function {
    Closure::<dyn FnMut(JsValue)>::new(f)
        .into_js_value()
        .unchecked_into()
}

/// Sum of a `Map<number, number>`'s values.
pub(crate) fn map_sum(map: &js_sys::Map) -> f64 {
    let mut total = 0.0;
    map.for_each(&mut |v, _| total += v.as_f64().unwrap());
    total
}

pub(crate) fn as_u32(v: &JsValue) -> u32 {
    v.as_f64().unwrap() as u32
}

/// A JS array of numbers.
pub(crate) fn nums(values: &[f64]) -> JsValue {
    values
        .iter()
        .map(|v| JsValue::from(*v))
        .collect::<js_sys::Array>()
        .into()
}
