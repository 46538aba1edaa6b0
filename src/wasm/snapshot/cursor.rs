//! Reading the parts of a snapshot object: fields, flat number arrays copied out in one go, and
//! a cursor over such an array that names the array and the index of anything wrong.

use js_sys::{Array, Float32Array, Float64Array, Reflect};
use wasm_bindgen::prelude::*;

use super::MAX_FLAT;
use crate::engine::{SavedRow, MAX_SAFE};
use crate::model::TrackId;
use crate::wasm::error::{range_error, type_error};
use crate::wasm::js::{all_numbers, integer, type_name};

pub(super) fn field(obj: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
}

/// A plain object (not an array), or a `TypeError` naming `path`.
pub(super) fn object_at(obj: &JsValue, key: &str, path: &str) -> Result<JsValue, JsValue> {
    let v = field(obj, key)?;
    if v.is_object() && !Array::is_array(&v) {
        Ok(v)
    } else {
        Err(type_error(
            &[path, " must be an object, got ", &type_name(&v)].concat(),
        ))
    }
}

/// A whole number a JS number holds exactly (0 to 2^53 - 1), or an error naming `path`.
pub(super) fn safe_integer(obj: &JsValue, key: &str, path: &str) -> Result<u64, JsValue> {
    Ok(integer(&field(obj, key)?, path, 0, MAX_SAFE as u64)? as u64)
}

/// A boolean; `default` when absent, if there is one.
pub(super) fn boolean(
    obj: &JsValue,
    key: &str,
    path: &str,
    default: Option<bool>,
) -> Result<bool, JsValue> {
    let v = field(obj, key)?;
    match (v.as_bool(), default) {
        (Some(b), _) => Ok(b),
        (None, Some(d)) if v.is_undefined() => Ok(d),
        _ => Err(type_error(
            &[path, " must be a boolean, got ", &type_name(&v)].concat(),
        )),
    }
}

/// An array of track ids (1 to 2^32 - 1).
pub(super) fn id_list(obj: &JsValue, key: &str, path: &str) -> Result<Vec<TrackId>, JsValue> {
    let mut c = Cursor::of(obj, key, path)?;
    let mut out = Vec::with_capacity(c.values.len());
    while !c.done() {
        out.push(c.id("a track id", 1.0)?);
    }
    Ok(out)
}

/// The numbers of a flat array, `Float64Array`, `Float32Array` or plain `Array`, at most `max`
/// of them.
fn numbers(obj: &JsValue, key: &str, path: &str, max: u32) -> Result<Vec<f64>, JsValue> {
    let too_large =
        || range_error(&[path, " is too large to be a memory-player snapshot"].concat());
    let v = field(obj, key)?;
    if let Some(typed) = v.dyn_ref::<Float64Array>() {
        if typed.length() > max {
            return Err(too_large());
        }
        return Ok(typed.to_vec());
    }
    if let Some(typed) = v.dyn_ref::<Float32Array>() {
        if typed.length() > max {
            return Err(too_large());
        }
        return Ok(typed.to_vec().into_iter().map(f64::from).collect());
    }
    let Some(array) = v.dyn_ref::<Array>() else {
        return Err(type_error(
            &[path, " must be an array of numbers, got ", &type_name(&v)].concat(),
        ));
    };
    if array.length() > max {
        return Err(too_large());
    }
    if !all_numbers(array) {
        return Err(type_error(&[path, " must hold only numbers"].concat()));
    }
    Ok(Float64Array::new(array).to_vec())
}

/// Reads the numbers of a flat array in order.
pub(super) struct Cursor<'p> {
    values: Vec<f64>,
    at: usize,
    path: &'p str,
}

impl<'p> Cursor<'p> {
    /// The flat array at `obj[key]`, at most [`MAX_FLAT`] numbers; `path` names it in errors.
    pub(super) fn of(obj: &JsValue, key: &str, path: &'p str) -> Result<Self, JsValue> {
        Self::up_to(obj, key, path, MAX_FLAT)
    }

    /// [`Cursor::of`], at most `max` numbers.
    pub(super) fn up_to(
        obj: &JsValue,
        key: &str,
        path: &'p str,
        max: u32,
    ) -> Result<Self, JsValue> {
        Ok(Self {
            values: numbers(obj, key, path, max)?,
            at: 0,
            path,
        })
    }

    pub(super) fn done(&self) -> bool {
        self.at >= self.values.len()
    }

    pub(super) fn next(&mut self, what: &str) -> Result<f64, JsValue> {
        let v = self.values.get(self.at).copied().ok_or_else(|| {
            range_error(&format!(
                "{} is truncated: {what} missing at index {}",
                self.path, self.at
            ))
        })?;
        self.at += 1;
        Ok(v)
    }

    pub(super) fn int(&mut self, what: &str, min: f64, max: f64) -> Result<f64, JsValue> {
        let at = self.at;
        let v = self.next(what)?;
        if v.fract() == 0.0 && v >= min && v <= max {
            Ok(v)
        } else {
            Err(range_error(&format!(
                "{}[{at}]: {what} out of range or not an integer",
                self.path
            )))
        }
    }

    /// A track id from `min` (0 for a source, 1 for a target) to 2^32 - 1.
    pub(super) fn id(&mut self, what: &str, min: f64) -> Result<TrackId, JsValue> {
        Ok(self.int(what, min, f64::from(u32::MAX))? as TrackId)
    }

    /// `[id, n, to, w, ...]` rows; `n = -1` (only where `allow_absent`) is a missing row.
    pub(super) fn rows(
        &mut self,
        allow_absent: bool,
    ) -> Result<Vec<(TrackId, Option<SavedRow>)>, JsValue> {
        let mut out = Vec::new();
        while !self.done() {
            let id = self.id("a track id", 0.0)?;
            let left = ((self.values.len() - self.at).saturating_sub(1) / 2) as f64;
            let n = self.int("an edge count", if allow_absent { -1.0 } else { 0.0 }, left)?;
            if n < 0.0 {
                out.push((id, None));
                continue;
            }
            let mut row = Vec::with_capacity(n as usize);
            for _ in 0..n as usize {
                let to = self.id("a target id", 1.0)?;
                row.push((to, self.next("a weight")?));
            }
            out.push((id, Some(row)));
        }
        Ok(out)
    }
}
