//! Snapshots as plain JS objects: JSON-serialisable, with the big parts as flat number arrays
//! (copied across the boundary in one go rather than value by value).
//!
//! ```text
//! { format: "memory-player", version: 2, options: {...},
//!   base: [id, n, to1, w1, ..., to_n, w_n, id, n, ...],           every known track, ascending
//!   build: { version, reason, builtAt, diffs,
//!            baseChanges: [id, n | -1, to, w, ...],              rows the build sees otherwise
//!            learned: [from, to, bonus, penalty, cooldown, ...] },
//!   chain: { back: [...], current: id | null, forward: [...], learningFrozen, currentRemoved },
//!   recency: { plays, last: [id, at, ...] }, rng: "16 hex digits", pendingCooldownSteps,
//!   taste: { lessons, factor, gapDecay, fitDecay, tracks: [id, heard, skipped, last 0 | 1 | 2, ...],
//!            transitions: [from, to, heard, skipped, ...], gaps: [heard, skipped, ...],
//!            first: [heard, skipped], heard: [id, ...], partly: [id, ...], surprise },
//!   replay: -1 (unknown) | 0 (first play) | gap,
//!   queue: [id, ...], history: [] | [id, start, end] }
//! ```
//!
//! Version 1 (no `taste`, no `replay`) still restores, with nothing learned per track yet.
//! `queue` and `history` may be absent (snapshots of version 2 made before they existed).

use js_sys::{Array, Float64Array, Reflect};
use wasm_bindgen::prelude::*;

use super::error::{range_error, type_error};
use super::js::{all_numbers, integer, number, object, type_name};
use super::options;
use crate::engine::{
    BuildSnapshot, ChainSnapshot, HistoryEnd, SavedRow, Snapshot, SNAPSHOT_VERSION,
};
use crate::model::{Answer, Evidence, Learned, Replay, TasteParts, TrackId, MAX_EDGES, MAX_TRACKS};

const FORMAT: &str = "memory-player";
const MAX_SAFE: u64 = 9_007_199_254_740_991;
/// The longest flat array read: rows at the limits, two numbers a track and two an edge (the
/// engine checks each part's own limits)...
const MAX_FLAT: u32 = (MAX_EDGES as u32) * 2 + (MAX_TRACKS as u32 + 1) * 2;
/// ...but for what a build learned: five numbers an edge.
const MAX_LEARNED: u32 = (MAX_EDGES as u32) * 5;

/// A flat array: a plain `Array` in a snapshot (JSON-serialisable), a `Float64Array` in what
/// a profile store writes (copied and structured-cloned in one go).
fn flat(typed: bool, values: &[f64]) -> JsValue {
    let array = Float64Array::from(values);
    if typed {
        array.into()
    } else {
        Array::from(&array).into()
    }
}

pub(crate) fn rows_into(out: &mut Vec<f64>, id: TrackId, row: Option<&SavedRow>) {
    out.push(f64::from(id));
    match row {
        Some(row) => {
            out.push(row.len() as f64);
            for (to, w) in row {
                out.push(f64::from(*to));
                out.push(*w);
            }
        }
        None => out.push(-1.0),
    }
}

/// The snapshot as a plain object.
pub(crate) fn to_js(s: &Snapshot) -> JsValue {
    to_js_as(s, false)
}

/// The snapshot as an object whose flat arrays are `Float64Array`s when `typed` (what a
/// profile store writes; `from_js` reads both).
pub(crate) fn to_js_as(s: &Snapshot, typed: bool) -> JsValue {
    let mut base = Vec::new();
    for (id, row) in &s.base {
        rows_into(&mut base, *id, Some(row));
    }
    let mut changes = Vec::new();
    for (id, row) in &s.build.base_changes {
        rows_into(&mut changes, *id, row.as_ref());
    }
    let mut learned = Vec::new();
    for (from, row) in &s.build.learned {
        for l in row {
            learned.extend([
                f64::from(*from),
                f64::from(l.to),
                l.bonus,
                l.penalty,
                f64::from(l.cooldown),
            ]);
        }
    }
    let last: Vec<f64> = s
        .last_played
        .iter()
        .flat_map(|(id, at)| [f64::from(*id), *at as f64])
        .collect();
    let ids = |ids: &[TrackId]| -> JsValue {
        ids.iter()
            .map(|id| JsValue::from(*id))
            .collect::<Array>()
            .into()
    };
    let b = &s.build;
    let c = &s.chain;
    object(&[
        ("format", JsValue::from_str(FORMAT)),
        ("version", JsValue::from(SNAPSHOT_VERSION)),
        ("options", options::to_js(&s.options)),
        ("base", flat(typed, &base)),
        (
            "build",
            object(&[
                ("version", JsValue::from(b.version as f64)),
                ("reason", JsValue::from_str(&b.reason)),
                ("builtAt", JsValue::from(b.built_at)),
                ("diffs", JsValue::from(b.diffs as f64)),
                ("baseChanges", flat(typed, &changes)),
                ("learned", flat(typed, &learned)),
            ]),
        ),
        (
            "chain",
            object(&[
                ("back", ids(&c.back)),
                ("current", c.current.map_or(JsValue::NULL, JsValue::from)),
                ("forward", ids(&c.forward)),
                ("learningFrozen", JsValue::from(c.learning_frozen)),
                ("currentRemoved", JsValue::from(c.current_removed)),
            ]),
        ),
        (
            "recency",
            object(&[
                ("plays", JsValue::from(s.plays as f64)),
                ("last", flat(typed, &last)),
            ]),
        ),
        ("rng", JsValue::from_str(&format!("{:016x}", s.rng_state))),
        (
            "pendingCooldownSteps",
            JsValue::from(s.pending_cooldown_steps),
        ),
        (
            "taste",
            s.taste
                .as_ref()
                .map_or(JsValue::NULL, |t| taste_to_js(t, typed)),
        ),
        (
            "replay",
            JsValue::from(match s.replay {
                Replay::Unknown => -1.0,
                Replay::First => 0.0,
                Replay::After(g) => g as f64,
            }),
        ),
        ("queue", ids(&s.queue)),
        (
            "history",
            flat(
                typed,
                &s.history
                    .map_or(Vec::new(), |h| vec![f64::from(h.id), h.start, h.end]),
            ),
        ),
    ])
}

fn taste_to_js(t: &TasteParts, typed: bool) -> JsValue {
    let tracks: Vec<f64> = t
        .tracks
        .iter()
        .flat_map(|(id, e, last)| [f64::from(*id), e.heard, e.skipped, answer_code(*last)])
        .collect();
    let transitions: Vec<f64> = t
        .transitions
        .iter()
        .flat_map(|(from, to, e)| [f64::from(*from), f64::from(*to), e.heard, e.skipped])
        .collect();
    let gaps: Vec<f64> = t.gaps.iter().flat_map(|e| [e.heard, e.skipped]).collect();
    object(&[
        ("lessons", JsValue::from(t.lessons as f64)),
        ("factor", JsValue::from(t.factor)),
        ("gapDecay", JsValue::from(t.gap_decay)),
        ("fitDecay", JsValue::from(t.fit_decay)),
        ("tracks", flat(typed, &tracks)),
        ("transitions", flat(typed, &transitions)),
        ("gaps", flat(typed, &gaps)),
        ("first", flat(typed, &[t.first.heard, t.first.skipped])),
        ("heard", ids_to_js(&t.heard)),
        ("partly", ids_to_js(&t.partly)),
        ("surprise", JsValue::from(t.surprise)),
    ])
}

fn ids_to_js(ids: &[TrackId]) -> JsValue {
    ids.iter()
        .map(|id| JsValue::from(*id))
        .collect::<Array>()
        .into()
}

/// A last answer as saved: 0 skipped, 1 partly heard, 2 heard out.
fn answer_code(a: Answer) -> f64 {
    match a {
        Answer::Skipped => 0.0,
        Answer::Partial => 1.0,
        Answer::Heard => 2.0,
    }
}

/// The taste part of a version 2 snapshot. Values are checked by the engine's restore.
fn taste_from_js(value: &JsValue) -> Result<TasteParts, JsValue> {
    let path = "snapshot.taste";
    let t = object_at(value, "taste", path)?;
    let evidence = |c: &mut Cursor<'_>| -> Result<Evidence, JsValue> {
        Ok(Evidence {
            heard: c.next("a heard weight")?,
            skipped: c.next("a skipped weight")?,
        })
    };
    let values = numbers(&t, "tracks", "snapshot.taste.tracks")?;
    let mut c = Cursor {
        values: &values,
        at: 0,
        path: "snapshot.taste.tracks",
    };
    let mut tracks = Vec::new();
    while !c.done() {
        let id = c.id("a track id", 1.0)?;
        let e = evidence(&mut c)?;
        let last = match c.int("a last answer (0, 1 or 2)", 0.0, 2.0)? as u8 {
            2 => Answer::Heard,
            1 => Answer::Partial,
            _ => Answer::Skipped,
        };
        tracks.push((id, e, last));
    }
    let values = numbers(&t, "transitions", "snapshot.taste.transitions")?;
    let mut c = Cursor {
        values: &values,
        at: 0,
        path: "snapshot.taste.transitions",
    };
    let mut transitions = Vec::new();
    while !c.done() {
        let from = c.id("a source id", 0.0)?;
        let to = c.id("a target id", 1.0)?;
        transitions.push((from, to, evidence(&mut c)?));
    }
    let values = numbers(&t, "gaps", "snapshot.taste.gaps")?;
    let mut c = Cursor {
        values: &values,
        at: 0,
        path: "snapshot.taste.gaps",
    };
    let mut gaps = Vec::new();
    while !c.done() {
        gaps.push(evidence(&mut c)?);
    }
    let values = numbers(&t, "first", "snapshot.taste.first")?;
    let first = evidence(&mut Cursor {
        values: &values,
        at: 0,
        path: "snapshot.taste.first",
    })?;
    Ok(TasteParts {
        lessons: integer(
            &field(&t, "lessons")?,
            "snapshot.taste.lessons",
            0,
            MAX_SAFE,
        )? as u64,
        factor: number(&field(&t, "factor")?, "snapshot.taste.factor")?,
        gap_decay: number(&field(&t, "gapDecay")?, "snapshot.taste.gapDecay")?,
        fit_decay: number(&field(&t, "fitDecay")?, "snapshot.taste.fitDecay")?,
        tracks,
        transitions,
        gaps,
        first,
        heard: id_list(&t, "heard", "snapshot.taste.heard")?,
        partly: id_list(&t, "partly", "snapshot.taste.partly")?,
        surprise: number(&field(&t, "surprise")?, "snapshot.taste.surprise")?,
    })
}

fn field(obj: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
}

fn object_at(obj: &JsValue, key: &str, path: &str) -> Result<JsValue, JsValue> {
    let v = field(obj, key)?;
    if v.is_object() && !Array::is_array(&v) {
        Ok(v)
    } else {
        Err(type_error(
            &[path, " must be an object, got ", &type_name(&v)].concat(),
        ))
    }
}

/// A flat array of numbers, copied out in one go.
fn numbers(obj: &JsValue, key: &str, path: &str) -> Result<Vec<f64>, JsValue> {
    numbers_up_to(obj, key, path, MAX_FLAT)
}

/// [`numbers`], at most `max` of them.
fn numbers_up_to(obj: &JsValue, key: &str, path: &str, max: u32) -> Result<Vec<f64>, JsValue> {
    let v = field(obj, key)?;
    if let Some(typed) = v.dyn_ref::<Float64Array>() {
        if typed.length() > MAX_FLAT {
            return Err(range_error(
                &[path, " is too large to be a memory-player snapshot"].concat(),
            ));
        }
        return Ok(typed.to_vec());
    }
    let Some(array) = v.dyn_ref::<Array>() else {
        return Err(type_error(
            &[path, " must be an array of numbers, got ", &type_name(&v)].concat(),
        ));
    };
    if array.length() > max {
        return Err(range_error(
            &[path, " is too large to be a memory-player snapshot"].concat(),
        ));
    }
    if !all_numbers(array) {
        return Err(type_error(&[path, " must hold only numbers"].concat()));
    }
    let typed = Float64Array::new(array);
    let mut out = vec![0.0; typed.length() as usize];
    typed.copy_to(&mut out);
    Ok(out)
}

/// Reads numbers off a flat array, naming the array and the index of anything wrong.
struct Cursor<'a> {
    values: &'a [f64],
    at: usize,
    path: &'a str,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at >= self.values.len()
    }

    fn next(&mut self, what: &str) -> Result<f64, JsValue> {
        let v = self.values.get(self.at).copied().ok_or_else(|| {
            range_error(&format!(
                "{} is truncated: {what} missing at index {}",
                self.path, self.at
            ))
        })?;
        self.at += 1;
        Ok(v)
    }

    fn int(&mut self, what: &str, min: f64, max: f64) -> Result<f64, JsValue> {
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

    fn id(&mut self, what: &str, min: f64) -> Result<TrackId, JsValue> {
        Ok(self.int(what, min, f64::from(u32::MAX))? as TrackId)
    }

    /// `[id, n, to, w, ...]` rows; `n = -1` (only where `allow_absent`) is a missing row.
    fn rows(&mut self, allow_absent: bool) -> Result<Vec<(TrackId, Option<SavedRow>)>, JsValue> {
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

fn id_list(obj: &JsValue, key: &str, path: &str) -> Result<Vec<TrackId>, JsValue> {
    let values = numbers(obj, key, path)?;
    let mut c = Cursor {
        values: &values,
        at: 0,
        path,
    };
    let mut out = Vec::with_capacity(values.len());
    while !c.done() {
        out.push(c.id("a track id", 1.0)?);
    }
    Ok(out)
}

fn boolean(obj: &JsValue, key: &str, path: &str, default: Option<bool>) -> Result<bool, JsValue> {
    let v = field(obj, key)?;
    match (v.as_bool(), default) {
        (Some(b), _) => Ok(b),
        (None, Some(d)) if v.is_undefined() => Ok(d),
        _ => Err(type_error(
            &[path, " must be a boolean, got ", &type_name(&v)].concat(),
        )),
    }
}

/// Reads a snapshot object; `overrides` are options that replace the saved ones key by key.
pub(crate) fn from_js(value: &JsValue, overrides: &JsValue) -> Result<Snapshot, JsValue> {
    if !value.is_object() || Array::is_array(value) {
        return Err(type_error(
            &["snapshot must be an object, got ", &type_name(value)].concat(),
        ));
    }
    if field(value, "format")?.as_string().as_deref() != Some(FORMAT) {
        return Err(type_error(
            "snapshot is not a memory-player snapshot (its format field is missing or wrong)",
        ));
    }
    let version = field(value, "version")?;
    let version = integer(&version, "snapshot.version", 0, MAX_SAFE)?;
    if version != 1.0 && version != f64::from(SNAPSHOT_VERSION) {
        return Err(range_error(&format!(
            "snapshot format version {} is not supported: this memory-player reads versions 1 and {SNAPSHOT_VERSION}",
            version as u64
        )));
    }
    let (taste, replay) = if version == 1.0 {
        (None, Replay::Unknown)
    } else {
        // -1: unknown, 0: a first play, else the gap.
        let raw = field(value, "replay")?;
        let replay = if raw.as_f64() == Some(-1.0) {
            Replay::Unknown
        } else {
            match integer(&raw, "snapshot.replay", 0, MAX_SAFE)? as u64 {
                0 => Replay::First,
                gap => Replay::After(gap),
            }
        };
        (Some(taste_from_js(value)?), replay)
    };
    let mut opts = options::parse(&object_at(value, "options", "snapshot.options")?)?;
    options::apply(&mut opts, overrides)?;

    let base_values = numbers(value, "base", "snapshot.base")?;
    let base = Cursor {
        values: &base_values,
        at: 0,
        path: "snapshot.base",
    }
    .rows(false)?
    .into_iter()
    .map(|(id, row)| (id, row.unwrap_or_default()))
    .collect();

    let b = object_at(value, "build", "snapshot.build")?;
    let changes = numbers(&b, "baseChanges", "snapshot.build.baseChanges")?;
    let learned_values = numbers_up_to(&b, "learned", "snapshot.build.learned", MAX_LEARNED)?;
    let mut learned: Vec<(TrackId, Vec<Learned>)> = Vec::new();
    let mut c = Cursor {
        values: &learned_values,
        at: 0,
        path: "snapshot.build.learned",
    };
    while !c.done() {
        let from = c.id("a source id", 0.0)?;
        let to = c.id("a target id", 1.0)?;
        let l = Learned {
            to,
            bonus: c.next("a bonus")?,
            penalty: c.next("a penalty")?,
            cooldown: c.int("a cooldown", 0.0, f64::from(u32::MAX))? as u32,
        };
        match learned.last_mut() {
            Some((last, row)) if *last == from => row.push(l),
            _ => learned.push((from, vec![l])),
        }
    }
    let reason = field(&b, "reason")?
        .as_string()
        .ok_or_else(|| type_error("snapshot.build.reason must be a string"))?;
    let build = BuildSnapshot {
        version: integer(
            &field(&b, "version")?,
            "snapshot.build.version",
            0,
            MAX_SAFE,
        )? as u64,
        reason,
        built_at: number(&field(&b, "builtAt")?, "snapshot.build.builtAt")?,
        diffs: integer(&field(&b, "diffs")?, "snapshot.build.diffs", 0, MAX_SAFE)? as u64,
        base_changes: Cursor {
            values: &changes,
            at: 0,
            path: "snapshot.build.baseChanges",
        }
        .rows(true)?,
        learned,
    };

    let ch = object_at(value, "chain", "snapshot.chain")?;
    let current = field(&ch, "current")?;
    let chain = ChainSnapshot {
        back: id_list(&ch, "back", "snapshot.chain.back")?,
        current: if current.is_null() || current.is_undefined() {
            None
        } else {
            Some(integer(&current, "snapshot.chain.current", 1, u32::MAX.into())? as TrackId)
        },
        forward: id_list(&ch, "forward", "snapshot.chain.forward")?,
        learning_frozen: boolean(&ch, "learningFrozen", "snapshot.chain.learningFrozen", None)?,
        current_removed: boolean(
            &ch,
            "currentRemoved",
            "snapshot.chain.currentRemoved",
            Some(false),
        )?,
    };

    let r = object_at(value, "recency", "snapshot.recency")?;
    let plays = integer(&field(&r, "plays")?, "snapshot.recency.plays", 0, MAX_SAFE)? as u64;
    let last_values = numbers(&r, "last", "snapshot.recency.last")?;
    let mut c = Cursor {
        values: &last_values,
        at: 0,
        path: "snapshot.recency.last",
    };
    let mut last_played = Vec::new();
    while !c.done() {
        let id = c.id("a track id", 1.0)?;
        last_played.push((id, c.int("a play number", 1.0, MAX_SAFE as f64)? as u64));
    }

    let rng = field(value, "rng")?;
    let rng_state = rng
        .as_string()
        .filter(|s| s.len() == 16)
        .and_then(|s| u64::from_str_radix(&s, 16).ok())
        .ok_or_else(|| type_error("snapshot.rng must be a string of 16 hexadecimal digits"))?;
    let pending = field(value, "pendingCooldownSteps")?;
    let (queue, history) = if version == 1.0 {
        (Vec::new(), None)
    } else {
        let queue = if field(value, "queue")?.is_undefined() {
            Vec::new()
        } else {
            id_list(value, "queue", "snapshot.queue")?
        };
        let history = if field(value, "history")?.is_undefined() {
            None
        } else {
            let values = numbers(value, "history", "snapshot.history")?;
            let mut c = Cursor {
                values: &values,
                at: 0,
                path: "snapshot.history",
            };
            if c.done() {
                None
            } else {
                Some(HistoryEnd {
                    id: c.id("a track id", 1.0)?,
                    start: c.next("a start")?,
                    end: c.next("an end")?,
                })
            }
        };
        (queue, history)
    };
    Ok(Snapshot {
        options: opts,
        base,
        build,
        chain,
        plays,
        last_played,
        rng_state,
        pending_cooldown_steps: integer(
            &pending,
            "snapshot.pendingCooldownSteps",
            0,
            u32::MAX.into(),
        )? as u32,
        taste,
        replay,
        queue,
        history,
    })
}
