//! Conversions between JS values and engine types, and the errors thrown for bad input.

use js_sys::{Array, Map};

use super::error::{range_error, type_error};
use wasm_bindgen::prelude::*;

use crate::model::{is_amount, TrackId, AMOUNT_RANGE};

/// What `typeof` would say, for error messages.
pub(crate) fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// An argument of a call: a number whose type the package's glue has already checked (the hot
/// calls' fast path: `js/numbers.js`), or any JS value, checked here. Both come through the
/// same checks below, so a call's refusals are the same whichever way it came, and come in the
/// same order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    Number(f64),
    Value(&'a JsValue),
}

impl<'a> From<&'a JsValue> for Arg<'a> {
    fn from(value: &'a JsValue) -> Self {
        Arg::Value(value)
    }
}

impl From<f64> for Arg<'_> {
    fn from(n: f64) -> Self {
        Arg::Number(n)
    }
}

/// What `numberOr` answers for anything that is not a number. A number argument equal to it
/// (unlikely, and harmless) only takes the slower exact path.
const NOT_A_NUMBER: f64 = -1.234_567_890_123_456_7e-300;

/// A number argument, or a `TypeError` naming it.
#[inline(always)]
pub(crate) fn number<'a>(value: impl Into<Arg<'a>>, name: &str) -> Result<f64, JsValue> {
    match value.into() {
        Arg::Number(n) => Ok(n),
        Arg::Value(value) => value_number(value, name),
    }
}

/// A JS value as a number. The common case costs one call into JS that returns the number
/// itself; wasm-bindgen's own `as_f64` goes through a `DataView` on wasm memory, which costs
/// several times more, and every id and amount of every checked call passes here.
fn value_number(value: &JsValue, name: &str) -> Result<f64, JsValue> {
    let n = number_or(value, NOT_A_NUMBER);
    if n.to_bits() != NOT_A_NUMBER.to_bits() {
        return Ok(n);
    }
    value
        .as_f64()
        .ok_or_else(|| type_error(&[name, " must be a number, got ", &type_name(value)].concat()))
}

/// A string argument, or a `TypeError` naming it.
pub(crate) fn string(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| type_error(&[name, " must be a string, got ", &type_name(value)].concat()))
}

/// An integer from `min` to `max`, or a `TypeError`/`RangeError` naming it.
///
/// Messages never format a float: float formatting would add kilobytes to the wasm.
#[inline(always)]
pub(crate) fn integer<'a>(
    value: impl Into<Arg<'a>>,
    name: &str,
    min: u64,
    max: u64,
) -> Result<f64, JsValue> {
    in_range(number(value, name)?, name, min, max)
}

#[inline(always)]
fn in_range(n: f64, name: &str, min: u64, max: u64) -> Result<f64, JsValue> {
    if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 {
        Ok(n)
    } else {
        Err(out_of_range(name, min, max))
    }
}

#[cold]
#[inline(never)]
fn out_of_range(name: &str, min: u64, max: u64) -> JsValue {
    range_error(&format!("{name} must be an integer from {min} to {max}"))
}

/// A track id as a target: 1 to 2^32 - 1.
#[inline(always)]
pub(crate) fn target_id<'a>(value: impl Into<Arg<'a>>, name: &str) -> Result<TrackId, JsValue> {
    Ok(integer(value, name, 1, u32::MAX.into())? as TrackId)
}

/// A track id as a source: 0 (the start node) to 2^32 - 1.
#[inline(always)]
pub(crate) fn source_id<'a>(value: impl Into<Arg<'a>>, name: &str) -> Result<TrackId, JsValue> {
    Ok(integer(value, name, 0, u32::MAX.into())? as TrackId)
}

/// An edge's two ends, read in that order: a source id `from` and a target id `to`, each
/// refusal naming its argument as `names` spell them.
#[inline(always)]
pub(crate) fn edge<'a>(
    from: impl Into<Arg<'a>>,
    to: impl Into<Arg<'a>>,
    names: (&str, &str),
) -> Result<(TrackId, TrackId), JsValue> {
    Ok((source_id(from, names.0)?, target_id(to, names.1)?))
}

/// What a fast-path call returns: `undefined`, or the error the package's glue throws.
pub(crate) fn outcome(result: Result<(), JsValue>) -> JsValue {
    result.err().unwrap_or(JsValue::UNDEFINED)
}

/// An optional amount (default 1): what [`is_amount`] takes.
pub(crate) fn amount(value: &JsValue, name: &str) -> Result<f64, JsValue> {
    if value.is_undefined() {
        return Ok(1.0);
    }
    let n = number(value, name)?;
    if is_amount(n) {
        Ok(n)
    } else {
        Err(range_error(&[name, " must be ", AMOUNT_RANGE].concat()))
    }
}

/// Small helpers on the JS side: each replaces a call across the boundary per element with one
/// call per collection (the glue passes the slices as views of wasm memory, without copying).
#[wasm_bindgen(inline_js = "
export function toMap(keys, values) {
  const map = new Map();
  for (let i = 0; i < keys.length; i++) map.set(keys[i], values[i]);
  return map;
}
export function toArray(ids) { return Array.from(ids); }
export function numberOr(value, otherwise) { return typeof value === 'number' ? value : otherwise; }
export function allNumbers(array) {
  for (const x of array) if (typeof x !== 'number') return false;
  return true;
}")]
extern "C" {
    /// A `Map` from track ids to numbers, typed so in the TypeScript declarations of every
    /// method that returns one.
    #[wasm_bindgen(extends = Map, typescript_type = "Map<number, number>")]
    #[derive(Clone, Debug)]
    pub type NumberMap;
    #[wasm_bindgen(js_name = toMap)]
    fn to_map(keys: &[u32], values: &[f64]) -> NumberMap;
    #[wasm_bindgen(js_name = toArray)]
    fn to_array(ids: &[u32]) -> Array;
    #[wasm_bindgen(js_name = numberOr)]
    fn number_or(value: &JsValue, otherwise: f64) -> f64;
    /// True when every element of the array is a number.
    #[wasm_bindgen(js_name = allNumbers)]
    pub(crate) fn all_numbers(array: &Array) -> bool;
}

/// A `Map<number, number>`.
pub(crate) fn number_map(entries: impl IntoIterator<Item = (TrackId, f64)>) -> NumberMap {
    let (keys, values): (Vec<TrackId>, Vec<f64>) = entries.into_iter().unzip();
    to_map(&keys, &values)
}

/// A `number[]`.
pub(crate) fn id_array(ids: impl IntoIterator<Item = TrackId>) -> Array {
    to_array(&ids.into_iter().collect::<Vec<_>>())
}

// Bound by hand, with `catch`: an exception from either (`reportError` is missing in Node; a
// test harness may make `console.error` throw) must come back as an `Err`, not unwind through
// the engine's event delivery. web-sys binds `console.error` without `catch`, and `reportError`
// only on a worker debugger's scope.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = reportError)]
    fn report_error(error: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(message: &str, error: &JsValue) -> Result<(), JsValue>;
}

/// Reports an exception thrown by a listener without letting it into the engine: to the
/// page's error handlers where there are some, else to the console.
pub(crate) fn report(error: &JsValue) {
    if report_error(error).is_err() {
        let _ = console_error("memory-player: a listener threw:", error);
    }
}
