//! Options from JS: a plain object with camelCase keys, every key optional. Names, kinds and
//! ranges come from the engine's options table ([`crate::engine::OPTIONS`]).

use js_sys::{Object, Reflect};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use wasm_bindgen::prelude::*;

use super::error::type_error;
use super::js::type_name;
use crate::engine::{spec, Kind, OptionError, Options, Value, OPTIONS};

/// Reads an options object: `undefined`/`null` give the defaults; an unknown key is a
/// `TypeError`, a value of the wrong type or range a `TypeError` or `RangeError` naming it.
pub(crate) fn parse(value: &JsValue) -> Result<Options, JsValue> {
    let mut o = Options::default();
    apply(&mut o, value)?;
    Ok(o)
}

/// Sets the options that `value` names on top of `o`, then checks the whole.
pub(crate) fn apply(o: &mut Options, value: &JsValue) -> Result<(), JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(());
    }
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
        return Err(type_error(&format!(
            "options must be an object, got {}",
            type_name(value)
        )));
    }
    let obj: &Object = value.unchecked_ref();
    for key in Object::keys(obj).iter() {
        let name = key.as_string().unwrap_or_default();
        let v = Reflect::get(obj, &key)?;
        if v.is_undefined() {
            continue;
        }
        let Some(spec) = spec(&name) else {
            let names: Vec<&str> = OPTIONS.iter().map(|s| s.name).collect();
            return Err(type_error(&format!(
                "unknown option \"{name}\"; the options are {}",
                names.join(", ")
            )));
        };
        let wrong_type = || {
            let what = match spec.kind {
                Kind::Choice(_) => "a string",
                _ => "a number",
            };
            type_error(&format!(
                "option {} must be {what}, got {}",
                spec.name,
                type_name(&v)
            ))
        };
        let value = match spec.kind {
            Kind::Choice(names) => {
                let s = v.as_string().ok_or_else(wrong_type)?;
                Value::Name(
                    names
                        .iter()
                        .find(|n| **n == s)
                        .copied()
                        .ok_or_else(|| JsValue::from(OptionError::OutOfRange(spec)))?,
                )
            }
            Kind::Integer { .. } | Kind::Number { .. } => {
                Value::Number(v.as_f64().ok_or_else(wrong_type)?)
            }
        };
        o.set(spec.name, value)?;
    }
    Ok(o.validate()?)
}

/// The resolved options as a plain object with every key, in the table's order: what
/// `options()` returns and a snapshot holds.
pub(crate) struct OptionsJs<'a>(pub(crate) &'a Options);

impl Serialize for OptionsJs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Options", OPTIONS.len())?;
        for spec in OPTIONS {
            match self.0.get(spec.name) {
                Some(Value::Number(x)) => out.serialize_field(spec.name, &x)?,
                Some(Value::Name(n)) => out.serialize_field(spec.name, n)?,
                None => {}
            }
        }
        out.end()
    }
}
