//! `learnHistory`'s input and report: an array of plays `{ id, listenedSeconds,
//! durationSeconds, at }`, or the same as columns (typed arrays or arrays of numbers), copied
//! into wasm whole before the engine sees any of it (no JS runs while it learns).
//!
//! A play that is not right is not an error: it is refused, with its index and the reason, in
//! the report. Only a history that is not an array of plays nor columns is a `TypeError`.

use js_sys::{Float64Array, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::arrays;
use super::error::{range_error, type_error};
use super::js::type_name;
use super::values;
use crate::engine::{HistoryPlay, HistoryReport, Refusal};
use crate::model::TrackId;

/// The field names of a play, in column order.
const FIELDS: [&str; 4] = ["id", "listenedSeconds", "durationSeconds", "at"];

/// A history as four columns of numbers.
pub(crate) struct Columns {
    id: Vec<f64>,
    listened: Vec<f64>,
    duration: Vec<f64>,
    at: Vec<f64>,
}

/// Reads `plays`: an array of play objects, or an object of four equally long columns.
pub(crate) fn columns(plays: &JsValue) -> Result<Columns, JsValue> {
    if arrays::is_array(plays)? {
        let cols = arrays::history_columns(plays)?;
        let copy = |i: u32| {
            let col: Float64Array = cols.get(i).unchecked_into();
            col.to_vec()
        };
        return Ok(Columns {
            id: copy(0),
            listened: copy(1),
            duration: copy(2),
            at: copy(3),
        });
    }
    if !plays.is_object() || arrays::is_column(plays)? {
        return Err(type_error(
            &[
                "plays must be an array of plays or an object of columns, got ",
                &type_name(plays),
            ]
            .concat(),
        ));
    }
    let mut cols = Vec::with_capacity(FIELDS.len());
    let mut len = None;
    for name in FIELDS {
        let column = Reflect::get(plays, &JsValue::from_str(name))?;
        let path = ["plays.", name].concat();
        let values = arrays::read(&column, &path, arrays::Check::Number)?;
        match len {
            Some(n) if n != values.len() => {
                return Err(range_error(
                    &[
                        "plays.",
                        name,
                        " is not as long as plays.id: the columns must have one length",
                    ]
                    .concat(),
                ))
            }
            _ => len = Some(values.len()),
        }
        cols.push(values);
    }
    let mut cols = cols.into_iter();
    let mut next = || cols.next().unwrap_or_default();
    Ok(Columns {
        id: next(),
        listened: next(),
        duration: next(),
        at: next(),
    })
}

impl Columns {
    /// The plays, in order; an id that is not a track id is refused here.
    pub(crate) fn plays(&self) -> impl Iterator<Item = Result<HistoryPlay, Refusal>> + '_ {
        self.id
            .iter()
            .zip(&self.listened)
            .zip(&self.duration)
            .zip(&self.at)
            .map(|(((id, listened), duration), at)| {
                if *id == -1.0 {
                    return Err(Refusal::Entry);
                }
                if !arrays::is_target(*id) {
                    return Err(Refusal::Id);
                }
                Ok(HistoryPlay {
                    id: *id as TrackId,
                    listened_secs: *listened,
                    duration_secs: *duration,
                    at_ms: *at,
                })
            })
    }
}

/// The report as a plain object: `{ plays, transitions, sessions, refused: [{ index, reason }] }`.
pub(crate) fn report_to_js(r: &HistoryReport) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Refused {
        index: usize,
        reason: &'static str,
    }
    #[derive(Serialize)]
    struct Report {
        plays: u64,
        transitions: u64,
        sessions: u64,
        refused: Vec<Refused>,
    }
    let refused = r.refused.iter();
    values::to_js(&Report {
        plays: r.plays,
        transitions: r.transitions,
        sessions: r.sessions,
        refused: refused
            .map(|(index, why)| Refused {
                index: *index,
                reason: why.message(),
            })
            .collect(),
    })
}
