//! Writing a snapshot: the object's shell is a serde shape (serde-wasm-bindgen makes the
//! objects); the flat arrays are made first, each in one copy out of wasm memory, and passed
//! through the serializer untouched (`serde_wasm_bindgen::preserve`).

use js_sys::{Array, Float32Array, Float64Array};
use serde::Serialize;
use serde_wasm_bindgen::preserve;
use wasm_bindgen::prelude::*;

use super::FORMAT;
use crate::engine::{BuildSnapshot, SavedRow, Snapshot, SNAPSHOT_VERSION};
use crate::model::{Answer, Breadth, Replay, TasteParts, TrackId, AFFINITY_DIM};
use crate::wasm::options::OptionsJs;
use crate::wasm::values::{self, Chain};

/// How a snapshot is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// What `snapshot()` returns: JSON-serialisable, flat arrays as plain `Array`s.
    Plain,
    /// What a profile store writes: flat arrays as `Float64Array`s (copied and
    /// structured-cloned in one go), and no `base` (the store saves its rows apart).
    Stored,
}

impl Flavor {
    /// A flat array of numbers in this flavor.
    fn flat(self, values: &[f64]) -> JsValue {
        let array = Float64Array::from(values);
        match self {
            Flavor::Stored => array.into(),
            Flavor::Plain => Array::from(&array).into(),
        }
    }

    /// A flat array of 32-bit floats in this flavor: half the bytes of [`Flavor::flat`] in a
    /// store, for numbers that are `f32` in the engine (so stored exactly).
    fn flat32(self, values: &[f32]) -> JsValue {
        let array = Float32Array::from(values);
        match self {
            Flavor::Stored => array.into(),
            Flavor::Plain => Array::from(&array).into(),
        }
    }
}

/// Appends one row as `[id, n, to, w, ...]`, or `[id, -1]` for a missing row.
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotJs<'a> {
    format: &'static str,
    version: u32,
    options: OptionsJs<'a>,
    #[serde(with = "preserve", skip_serializing_if = "JsValue::is_undefined")]
    base: JsValue,
    build: BuildJs<'a>,
    chain: Chain<'a>,
    recency: RecencyJs,
    rng: String,
    pending_cooldown_steps: u32,
    taste: Option<TasteJs<'a>>,
    replay: f64,
    drawn: usize,
    #[serde(serialize_with = "values::ids")]
    queue: &'a [TrackId],
    #[serde(with = "preserve")]
    history: JsValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildJs<'a> {
    version: u64,
    reason: &'a str,
    built_at: f64,
    diffs: u64,
    #[serde(with = "preserve")]
    base_changes: JsValue,
    #[serde(with = "preserve")]
    learned: JsValue,
}

#[derive(Serialize)]
struct RecencyJs {
    plays: u64,
    #[serde(with = "preserve")]
    last: JsValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TasteJs<'a> {
    lessons: u64,
    factor: f64,
    gap_decay: f64,
    fit_decay: f64,
    #[serde(with = "preserve")]
    tracks: JsValue,
    #[serde(with = "preserve")]
    transitions: JsValue,
    #[serde(with = "preserve")]
    gaps: JsValue,
    #[serde(with = "preserve")]
    first: JsValue,
    #[serde(serialize_with = "values::ids")]
    heard: &'a [TrackId],
    #[serde(serialize_with = "values::ids")]
    partly: &'a [TrackId],
    surprise: f64,
    surprise_usual: f64,
    #[serde(with = "preserve")]
    change: JsValue,
    affinity: AffinityJs,
    #[serde(with = "preserve")]
    draws: JsValue,
    #[serde(with = "preserve")]
    follow: JsValue,
}

/// The learned affinities: `gain`, the track `ids` ascending, and per track its bias and
/// vector (`numbers`, 32-bit floats).
#[derive(Serialize)]
struct AffinityJs {
    gain: f64,
    #[serde(with = "preserve")]
    ids: JsValue,
    #[serde(with = "preserve")]
    numbers: JsValue,
}

/// The snapshot as a JS object of the given flavor.
pub(crate) fn to_js(s: &Snapshot, flavor: Flavor) -> Result<JsValue, JsValue> {
    let base = match flavor {
        Flavor::Plain => {
            let mut base = Vec::new();
            for (id, row) in &s.base {
                rows_into(&mut base, *id, Some(row));
            }
            flavor.flat(&base)
        }
        Flavor::Stored => JsValue::UNDEFINED,
    };
    let last: Vec<f64> = s
        .last_played
        .iter()
        .flat_map(|(id, at)| [f64::from(*id), *at as f64])
        .collect();
    let history = s
        .history
        .map_or(Vec::new(), |h| vec![f64::from(h.id), h.start, h.end]);
    values::to_js(&SnapshotJs {
        format: FORMAT,
        version: SNAPSHOT_VERSION,
        options: OptionsJs(&s.options),
        base,
        build: build(&s.build, flavor),
        chain: Chain(&s.chain),
        recency: RecencyJs {
            plays: s.plays,
            last: flavor.flat(&last),
        },
        rng: format!("{:016x}", s.rng_state),
        pending_cooldown_steps: s.pending_cooldown_steps,
        taste: s.taste.as_ref().map(|t| taste(t, flavor)),
        replay: match s.replay {
            Replay::Unknown => -1.0,
            Replay::First => 0.0,
            Replay::After(g) => g as f64,
        },
        drawn: s.drawn.map_or(0, Breadth::drawn),
        queue: &s.queue,
        history: flavor.flat(&history),
    })
}

fn build(b: &BuildSnapshot, flavor: Flavor) -> BuildJs<'_> {
    let mut changes = Vec::new();
    for (id, row) in &b.base_changes {
        rows_into(&mut changes, *id, row.as_ref());
    }
    let mut learned = Vec::new();
    for (from, row) in &b.learned {
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
    BuildJs {
        version: b.version,
        reason: &b.reason,
        built_at: b.built_at,
        diffs: b.diffs,
        base_changes: flavor.flat(&changes),
        learned: flavor.flat(&learned),
    }
}

/// A last answer as saved: 0 skipped, 1 partly heard, 2 heard out.
fn answer_code(a: Answer) -> f64 {
    match a {
        Answer::Skipped => 0.0,
        Answer::Partial => 1.0,
        Answer::Heard => 2.0,
    }
}

fn taste(t: &TasteParts, flavor: Flavor) -> TasteJs<'_> {
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
    let ids: Vec<f64> = t.affinity.ids.iter().map(|id| f64::from(*id)).collect();
    let mut numbers = Vec::with_capacity(t.affinity.factors.len() * (1 + AFFINITY_DIM));
    for (bias, v) in &t.affinity.factors {
        numbers.push(*bias);
        numbers.extend_from_slice(v);
    }
    let follow: Vec<f64> = t.follow.iter().flat_map(|e| [e.heard, e.skipped]).collect();
    TasteJs {
        lessons: t.lessons,
        factor: t.factor,
        gap_decay: t.gap_decay,
        fit_decay: t.fit_decay,
        tracks: flavor.flat(&tracks),
        transitions: flavor.flat(&transitions),
        gaps: flavor.flat(&gaps),
        first: flavor.flat(&[
            t.first.heard,
            t.first.skipped,
            t.linked.heard,
            t.linked.skipped,
        ]),
        heard: &t.heard,
        partly: &t.partly,
        surprise: t.surprise,
        surprise_usual: t.surprise_usual,
        change: flavor.flat(&[
            t.changed_at as f64,
            t.stale[0].heard,
            t.stale[0].skipped,
            t.stale[1].heard,
            t.stale[1].skipped,
            t.stale[2].heard,
            t.stale[2].skipped,
        ]),
        affinity: AffinityJs {
            gain: t.affinity.gain,
            ids: flavor.flat(&ids),
            numbers: flavor.flat32(&numbers),
        },
        draws: flavor.flat(&[
            t.breadths[0].heard,
            t.breadths[0].skipped,
            t.breadths[1].heard,
            t.breadths[1].skipped,
        ]),
        follow: flavor.flat(&follow),
    }
}
