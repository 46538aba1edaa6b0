//! Columns of numbers from JS, for the bulk calls (`reinforceMany`, `enqueue`, `learnHistory`):
//! a typed array or a plain array of numbers, copied into wasm in chunks (so a plain array is
//! never copied whole into a second JS array), every element checked, and an error naming the
//! argument and the index of the first bad one.

use js_sys::Float64Array;
use wasm_bindgen::prelude::*;

use super::error::{range_error, type_error};
use super::js::type_name;
use crate::model::{is_amount, AMOUNT_RANGE};

/// Elements copied per call into JS.
pub(crate) const CHUNK: u32 = 1 << 16;

#[wasm_bindgen(inline_js = "
export function columnKind(v) {
  if (Array.isArray(v)) return 1;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return (typeof BigInt64Array !== 'undefined' && (v instanceof BigInt64Array || v instanceof BigUint64Array)) ? 3 : 2;
  }
  return 0;
}

export function columnLength(v) { return v.length >>> 0; }
export function firstNonNumber(array) {
  for (let i = 0; i < array.length; i++) if (typeof array[i] !== 'number') return i;
  return -1;
}
export function chunkOf(v, start, end) {
  if (Array.isArray(v)) {
    const out = new Float64Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = v[i];
    return out;
  }
  return v instanceof Float64Array ? v.subarray(start, end) : new Float64Array(v.subarray(start, end));
}
export function historyColumns(plays) {
  const n = plays.length >>> 0;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const keys = ['id', 'listenedSeconds', 'durationSeconds', 'at'];
  for (let i = 0; i < n; i++) {
    const p = plays[i];
    if (p === null || typeof p !== 'object') { cols[0][i] = -1; continue; }
    for (let k = 0; k < 4; k++) {
      const x = p[keys[k]];
      cols[k][i] = typeof x === 'number' ? x : NaN;
    }
  }
  return cols;
}
")]
// Every helper may meet hostile input (a revoked proxy, a throwing getter): `catch` turns what
// it throws into an `Err`, so that it never unwinds through the wasm.
extern "C" {
    /// 0: not a column, 1: an array, 2: a typed array of numbers, 3: a BigInt typed array.
    #[wasm_bindgen(catch, js_name = columnKind)]
    fn column_kind(v: &JsValue) -> Result<u32, JsValue>;
    #[wasm_bindgen(catch, js_name = columnLength)]
    fn column_length(v: &JsValue) -> Result<u32, JsValue>;
    #[wasm_bindgen(catch, js_name = firstNonNumber)]
    fn first_non_number(array: &JsValue) -> Result<i32, JsValue>;
    #[wasm_bindgen(catch, js_name = chunkOf)]
    fn chunk_of(v: &JsValue, start: u32, end: u32) -> Result<Float64Array, JsValue>;

    /// `[id, listenedSeconds, durationSeconds, at]` columns of an array of plays; a
    /// non-number field is NaN, an entry that is not an object has id -1.
    #[wasm_bindgen(catch, js_name = historyColumns)]
    pub(crate) fn history_columns(plays: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// A column's length, after checking it is one: an array or a typed array, not of BigInts.
pub(crate) fn length(v: &JsValue, name: &str) -> Result<usize, JsValue> {
    match column_kind(v)? {
        1 | 2 => Ok(column_length(v)? as usize),
        3 => Err(type_error(
            &[name, " must hold numbers, got a BigInt typed array"].concat(),
        )),
        _ => Err(type_error(
            &[
                name,
                " must be an array or a typed array of numbers, got ",
                &type_name(v),
            ]
            .concat(),
        )),
    }
}

/// True when `v` is an array (not a typed array).
pub(crate) fn is_array(v: &JsValue) -> Result<bool, JsValue> {
    Ok(column_kind(v)? == 1)
}

/// True when `v` is an array or a typed array (of anything).
pub(crate) fn is_column(v: &JsValue) -> Result<bool, JsValue> {
    Ok(column_kind(v)? != 0)
}

/// What the elements of a column must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any number (checked later).
    Number,
    /// A track id as a source: an integer from 0 (the start node) to 2^32 - 1.
    Source,
    /// A track id as a target: an integer from 1 to 2^32 - 1.
    Target,
    /// An amount: what [`is_amount`] takes.
    Amount,
}

/// True when `x` is an integer from `min` to 2^32 - 1. Compared by hand, as `is_amount`
/// does: NaN fails both comparisons.
#[allow(clippy::manual_range_contains)]
fn is_id(x: f64, min: f64) -> bool {
    x.fract() == 0.0 && x >= min && x <= f64::from(u32::MAX)
}

impl Check {
    /// What an element must be, or `None` when `x` is one.
    fn refuses(self, x: f64) -> Option<&'static str> {
        match self {
            Check::Number => None,
            Check::Source => (!is_id(x, 0.0)).then_some("an integer from 0 to 4294967295"),
            Check::Target => (!is_id(x, 1.0)).then_some("an integer from 1 to 4294967295"),
            Check::Amount => (!is_amount(x)).then_some(AMOUNT_RANGE),
        }
    }

    /// The index of the first element of `part` this refuses. One loop per kind, the kind
    /// asked once: a bulk load checks millions of elements.
    fn first_refused(self, part: &[f64]) -> Option<usize> {
        match self {
            Check::Number => None,
            Check::Source => part.iter().position(|x| !is_id(*x, 0.0)),
            Check::Target => part.iter().position(|x| !is_id(*x, 1.0)),
            Check::Amount => part.iter().position(|x| !is_amount(*x)),
        }
    }
}

/// True when `x` is a track id as a target.
pub(crate) fn is_target(x: f64) -> bool {
    Check::Target.refuses(x).is_none()
}

/// Every element of a column, checked: a `TypeError` naming `name[i]` for a non-number, a
/// `RangeError` for a number `check` refuses.
pub(crate) fn read(v: &JsValue, name: &str, check: Check) -> Result<Vec<f64>, JsValue> {
    let mut out = Vec::with_capacity(length(v, name)?);
    each(v, name, check, &mut |_, part| out.extend_from_slice(part))?;
    Ok(out)
}

/// The error for element `at` of column `name`, `x`, which `check` refuses.
pub(crate) fn refused(name: &str, at: usize, check: Check, x: f64) -> JsValue {
    let what = check.refuses(x).unwrap_or_default();
    range_error(&format!("{name}[{at}] must be {what}"))
}

/// Checks `part`, the elements of column `name` from index `start` on: the error names the
/// first one `check` refuses.
pub(crate) fn check_part(
    name: &str,
    start: usize,
    part: &[f64],
    check: Check,
) -> Result<(), JsValue> {
    match check.first_refused(part) {
        Some(i) => Err(refused(
            name,
            start + i,
            check,
            part.get(i).copied().unwrap_or_default(),
        )),
        None => Ok(()),
    }
}

/// Calls `f(start, chunk)` for the elements of a column in order, a chunk at a time, each
/// element checked as by [`read`]; stops at the first bad one. (A `dyn` callback: one copy of
/// this in the wasm, called once a chunk.)
pub(crate) fn each(
    v: &JsValue,
    name: &str,
    check: Check,
    f: &mut dyn FnMut(usize, &[f64]),
) -> Result<(), JsValue> {
    let len = length(v, name)?;
    if column_kind(v)? == 1 {
        if let Ok(bad) = usize::try_from(first_non_number(v)?) {
            let element = js_sys::Reflect::get_u32(v, bad as u32).unwrap_or(JsValue::UNDEFINED);
            return Err(type_error(&format!(
                "{name}[{bad}] must be a number, got {}",
                type_name(&element)
            )));
        }
    }
    let mut buf = vec![0.0; (CHUNK as usize).min(len)];
    let mut start = 0u32;
    while (start as usize) < len {
        let end = start.saturating_add(CHUNK).min(len as u32);
        let part = buf.get_mut(..(end - start) as usize).unwrap_or_default();
        let chunk = chunk_of(v, start, end)?;
        // copy_to wants equal lengths: a typed array that shrank while being read (a resizable
        // buffer), or a subclass that answers otherwise, is refused rather than trapped on.
        if chunk.length() as usize != part.len() {
            return Err(type_error(&[name, " changed while it was read"].concat()));
        }
        chunk.copy_to(part);
        check_part(name, start as usize, part, check)?;
        f(start as usize, part);
        start = end;
    }
    Ok(())
}
