//! Options from JS: a plain object with camelCase keys, every key optional.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::js::{integer, number, object, range_error, type_error, type_name};
use crate::engine::Options;

/// The largest integer a JS number holds exactly.
const MAX_SAFE: u64 = 9_007_199_254_740_991;
/// The largest u32.
const MAX_U32: u64 = 4_294_967_295;

/// The JS name of each option, in the order `options()` lists them.
const NAMES: [&str; 15] = [
    "seed",
    "maxRuntimeDiffs",
    "maxRuntimeAgeMs",
    "ttlCheckIntervalMs",
    "giniThreshold",
    "topK",
    "repeatWindow",
    "historyLimit",
    "reinforceThreshold",
    "skipThreshold",
    "reinforceAmount",
    "penaltyAmount",
    "penaltyCooldown",
    "skipPenalty",
    "skipCooldown",
];

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
        let n = |what: &str| ["option ", what].concat();
        match name.as_str() {
            "seed" => o.seed = integer(&v, &n("seed"), 0, MAX_SAFE)? as u64,
            "maxRuntimeDiffs" => {
                o.max_runtime_diffs = integer(&v, &n("maxRuntimeDiffs"), 0, MAX_SAFE)? as u64
            }
            "maxRuntimeAgeMs" => {
                o.max_runtime_age_ms = integer(&v, &n("maxRuntimeAgeMs"), 0, MAX_SAFE)? as u64
            }
            "ttlCheckIntervalMs" => {
                // setTimeout holds at most 2^31 - 1 ms.
                o.ttl_check_interval_ms =
                    integer(&v, &n("ttlCheckIntervalMs"), 1, 2_147_483_647)? as u64
            }
            "giniThreshold" => o.gini_threshold = number(&v, &n("giniThreshold"))?,
            "topK" => o.top_k = integer(&v, &n("topK"), 1, MAX_U32)? as usize,
            "repeatWindow" => {
                o.repeat_window = integer(&v, &n("repeatWindow"), 0, MAX_U32)? as usize
            }
            "historyLimit" => {
                o.history_limit = integer(&v, &n("historyLimit"), 0, MAX_U32)? as usize
            }
            "reinforceThreshold" => o.reinforce_threshold = number(&v, &n("reinforceThreshold"))?,
            "skipThreshold" => o.skip_threshold = number(&v, &n("skipThreshold"))?,
            "reinforceAmount" => o.reinforce_amount = number(&v, &n("reinforceAmount"))?,
            "penaltyAmount" => o.penalty_amount = number(&v, &n("penaltyAmount"))?,
            "penaltyCooldown" => {
                o.penalty_cooldown = integer(&v, &n("penaltyCooldown"), 0, MAX_U32)? as u32
            }
            "skipPenalty" => o.skip_penalty = number(&v, &n("skipPenalty"))?,
            "skipCooldown" => o.skip_cooldown = integer(&v, &n("skipCooldown"), 0, MAX_U32)? as u32,
            _ => {
                return Err(type_error(
                    &[
                        "unknown option \"",
                        &name,
                        "\"; the options are ",
                        &NAMES.join(", "),
                    ]
                    .concat(),
                ))
            }
        }
    }
    o.validate().map_err(|e| {
        range_error(&format!(
            "option {} must be {}",
            camel(e.option),
            camel(e.expected)
        ))
    })?;
    Ok(())
}

/// `snake_case` words to `camelCase`, so engine messages name options as JS spells them.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The resolved options as a plain object with every key.
pub(crate) fn to_js(o: &Options) -> JsValue {
    let values = [
        o.seed as f64,
        o.max_runtime_diffs as f64,
        o.max_runtime_age_ms as f64,
        o.ttl_check_interval_ms as f64,
        o.gini_threshold,
        o.top_k as f64,
        o.repeat_window as f64,
        o.history_limit as f64,
        o.reinforce_threshold,
        o.skip_threshold,
        o.reinforce_amount,
        o.penalty_amount,
        f64::from(o.penalty_cooldown),
        o.skip_penalty,
        f64::from(o.skip_cooldown),
    ];
    let fields: Vec<(&str, JsValue)> = NAMES
        .iter()
        .zip(values)
        .map(|(k, v)| (*k, JsValue::from(v)))
        .collect();
    object(&fields)
}
