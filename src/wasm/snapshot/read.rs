//! Reading a snapshot object, part by part. Each part is checked for shape here (a `TypeError`
//! or `RangeError` naming its path); the engine's restore checks that the parts agree.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::cursor::{boolean, field, id_list, object_at, safe_integer, Cursor};
use super::{FORMAT, MAX_LEARNED};
use crate::engine::{
    BuildSnapshot, ChainSnapshot, HistoryEnd, Snapshot, MAX_SAFE, SNAPSHOT_VERSION,
};
use crate::model::{
    AffinityParts, Answer, Breadth, Evidence, Learned, Replay, TasteParts, TrackId, AFFINITY_DIM,
};
use crate::wasm::error::{range_error, type_error};
use crate::wasm::js::{integer, number, type_name};
use crate::wasm::options;

/// Reads a snapshot object; `overrides` are options that replace the saved ones key by key.
pub(crate) fn from_js(value: &JsValue, overrides: &JsValue) -> Result<Snapshot, JsValue> {
    let version = version(value)?;
    let v2 = version == SNAPSHOT_VERSION;
    let (taste, replay, drawn) = if v2 {
        (Some(taste(value)?), replay(value)?, drawn(value)?)
    } else {
        (None, Replay::Unknown, None)
    };
    let mut opts = options::parse(&object_at(value, "options", "snapshot.options")?)?;
    options::apply(&mut opts, overrides)?;
    let base = Cursor::of(value, "base", "snapshot.base")?.rows(false)?;
    let build = build(value)?;
    let chain = chain(value)?;
    let r = object_at(value, "recency", "snapshot.recency")?;
    let plays = safe_integer(&r, "plays", "snapshot.recency.plays")?;
    let last_played = last_played(&r)?;
    let rng_state = rng(value)?;
    let pending = field(value, "pendingCooldownSteps")?;
    let pending = integer(
        &pending,
        "snapshot.pendingCooldownSteps",
        0,
        u32::MAX.into(),
    )?;
    let (queue, history) = if v2 {
        (queue(value)?, history(value)?)
    } else {
        (Vec::new(), None)
    };
    Ok(Snapshot {
        options: opts,
        base: base
            .into_iter()
            .map(|(id, row)| (id, row.unwrap_or_default()))
            .collect(),
        build,
        chain,
        plays,
        last_played,
        rng_state,
        pending_cooldown_steps: pending as u32,
        taste,
        replay,
        drawn,
        queue,
        history,
    })
}

/// The format version, after checking that `value` is a snapshot of a version this reads.
fn version(value: &JsValue) -> Result<u32, JsValue> {
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
    match safe_integer(value, "version", "snapshot.version")? {
        1 => Ok(1),
        v if v == u64::from(SNAPSHOT_VERSION) => Ok(SNAPSHOT_VERSION),
        v => Err(range_error(&format!(
            "snapshot format version {v} is not supported: this memory-player reads versions 1 and {SNAPSHOT_VERSION}"
        ))),
    }
}

/// -1: unknown, 0: a first play, else the gap.
fn replay(value: &JsValue) -> Result<Replay, JsValue> {
    let raw = field(value, "replay")?;
    if raw.as_f64() == Some(-1.0) {
        return Ok(Replay::Unknown);
    }
    Ok(
        match integer(&raw, "snapshot.replay", 0, MAX_SAFE as u64)? as u64 {
            0 => Replay::First,
            gap => Replay::After(gap),
        },
    )
}

/// How many of the best candidates the pick playing was drawn among: 5 or 3, or 0 (not a
/// generated pick of the adaptive policy). Absent in snapshots made before picks chose it: 0.
fn drawn(value: &JsValue) -> Result<Option<Breadth>, JsValue> {
    let raw = field(value, "drawn")?;
    if raw.is_undefined() {
        return Ok(None);
    }
    let n = integer(&raw, "snapshot.drawn", 0, 5)? as u64;
    match Breadth::of_drawn(n) {
        Some(way) => Ok(Some(way)),
        None if n == 0 => Ok(None),
        None => Err(range_error("snapshot.drawn must be 0, 3 or 5")),
    }
}

fn evidence(c: &mut Cursor<'_>) -> Result<Evidence, JsValue> {
    Ok(Evidence {
        heard: c.next("a heard weight")?,
        skipped: c.next("a skipped weight")?,
    })
}

/// `[id, heard, skipped, last answer, ...]`.
fn taste_tracks(t: &JsValue) -> Result<Vec<(TrackId, Evidence, Answer)>, JsValue> {
    let mut c = Cursor::of(t, "tracks", "snapshot.taste.tracks")?;
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
    Ok(tracks)
}

/// The taste part of a version 2 snapshot. Values are checked by the engine's restore.
fn taste(value: &JsValue) -> Result<TasteParts, JsValue> {
    let t = object_at(value, "taste", "snapshot.taste")?;
    let tracks = taste_tracks(&t)?;
    let mut c = Cursor::of(&t, "transitions", "snapshot.taste.transitions")?;
    let mut transitions = Vec::new();
    while !c.done() {
        let from = c.id("a source id", 0.0)?;
        let to = c.id("a target id", 1.0)?;
        transitions.push((from, to, evidence(&mut c)?));
    }
    let mut c = Cursor::of(&t, "gaps", "snapshot.taste.gaps")?;
    let mut gaps = Vec::new();
    while !c.done() {
        gaps.push(evidence(&mut c)?);
    }
    let (first, linked) = first_plays(&t)?;
    let decimal = |key: &str, path: &str| number(&field(&t, key)?, path);
    let (changed_at, stale) = change(&t)?;
    let mut breadths = [Evidence::default(); 2];
    let (path, too_long) = (
        "snapshot.taste.draws",
        "snapshot.taste.draws must hold 4 numbers",
    );
    pairs(&t, "draws", path, too_long, &mut breadths)?;
    let mut follow = [Evidence::default(); 6];
    let (path, too_long) = (
        "snapshot.taste.follow",
        "snapshot.taste.follow must hold 12 numbers",
    );
    pairs(&t, "follow", path, too_long, &mut follow)?;
    Ok(TasteParts {
        lessons: safe_integer(&t, "lessons", "snapshot.taste.lessons")?,
        factor: decimal("factor", "snapshot.taste.factor")?,
        gap_decay: decimal("gapDecay", "snapshot.taste.gapDecay")?,
        fit_decay: decimal("fitDecay", "snapshot.taste.fitDecay")?,
        tracks,
        transitions,
        gaps,
        first,
        linked,
        heard: id_list(&t, "heard", "snapshot.taste.heard")?,
        partly: id_list(&t, "partly", "snapshot.taste.partly")?,
        surprise: decimal("surprise", "snapshot.taste.surprise")?,
        surprise_usual: usual_surprise(&t)?,
        changed_at,
        stale,
        affinity: affinity(&t)?,
        breadths,
        follow,
    })
}

/// `[heard, skipped, heard, skipped]`: the answers to first plays, then the part of them along
/// the base graph's edges. With the first pair only in snapshots made before those were told
/// apart: none known then.
fn first_plays(t: &JsValue) -> Result<(Evidence, Evidence), JsValue> {
    let mut c = Cursor::of(t, "first", "snapshot.taste.first")?;
    let first = evidence(&mut c)?;
    if c.done() {
        return Ok((first, Evidence::default()));
    }
    let linked = evidence(&mut c)?;
    if !c.done() {
        return Err(range_error("snapshot.taste.first must hold 2 or 4 numbers"));
    }
    Ok((first, linked))
}

/// The usual rate of confident predictions missed. Absent in snapshots made before it was
/// kept: 0 then, so a change is noticed as it was before.
fn usual_surprise(t: &JsValue) -> Result<f64, JsValue> {
    let v = field(t, "surpriseUsual")?;
    if v.is_undefined() {
        return Ok(0.0);
    }
    number(&v, "snapshot.taste.surpriseUsual")
}

/// Fills `pairs` from the `[heard, skipped, ...]` under `key` (`too_long`: the error when it
/// holds more). Absent in snapshots made before they were kept: no answers then. For `draws`,
/// the answers to picks drawn among the best five, then among the best three; for `follow`,
/// those to picks on the playing track's row and off it, after a track heard out, partly
/// heard, then skipped. One function for both, filling a slice: the size-optimised wasm
/// carries it once.
fn pairs(
    t: &JsValue,
    key: &str,
    path: &str,
    too_long: &str,
    pairs: &mut [Evidence],
) -> Result<(), JsValue> {
    if field(t, key)?.is_undefined() {
        return Ok(());
    }
    let mut c = Cursor::of(t, key, path)?;
    for e in pairs.iter_mut() {
        *e = evidence(&mut c)?;
    }
    if !c.done() {
        return Err(range_error(too_long));
    }
    Ok(())
}

/// `{ gain, ids, numbers }`: the learned affinities, `numbers` holding each track's bias and
/// vector in turn. Absent in snapshots made before they were learned: none then, and the gate
/// shut.
fn affinity(t: &JsValue) -> Result<AffinityParts, JsValue> {
    if field(t, "affinity")?.is_undefined() {
        return Ok(AffinityParts::default());
    }
    let a = object_at(t, "affinity", "snapshot.taste.affinity")?;
    let ids = id_list(&a, "ids", "snapshot.taste.affinity.ids")?;
    let mut c = Cursor::of(&a, "numbers", "snapshot.taste.affinity.numbers")?;
    let mut factors = Vec::with_capacity(ids.len());
    while !c.done() {
        let bias = c.next("a bias")? as f32;
        let mut v = [0.0; AFFINITY_DIM];
        for x in &mut v {
            *x = c.next("a vector's number")? as f32;
        }
        factors.push((bias, v));
    }
    Ok(AffinityParts {
        gain: number(&field(&a, "gain")?, "snapshot.taste.affinity.gain")?,
        ids,
        factors,
    })
}

/// `[at, heard, skipped, heard, skipped, heard, skipped]`: the latest change of taste and the
/// answers since to tracks last heard out, partly heard and skipped before it. Absent in
/// version 2 snapshots made before it was saved (none known); with two pairs (those not last
/// heard out, those that were) in those made before the three were told apart.
fn change(t: &JsValue) -> Result<(u64, [Evidence; 3]), JsValue> {
    if field(t, "change")?.is_undefined() {
        return Ok((0, [Evidence::default(); 3]));
    }
    let mut c = Cursor::of(t, "change", "snapshot.taste.change")?;
    let at = c.int("a play", 0.0, MAX_SAFE)? as u64;
    let (first, second) = (evidence(&mut c)?, evidence(&mut c)?);
    if c.done() {
        return Ok((at, [second, first, first]));
    }
    Ok((at, [first, second, evidence(&mut c)?]))
}

/// `[from, to, bonus, penalty, cooldown, ...]`, grouped by source.
fn learned(b: &JsValue) -> Result<Vec<(TrackId, Vec<Learned>)>, JsValue> {
    let path = "snapshot.build.learned";
    let mut c = Cursor::up_to(b, "learned", path, MAX_LEARNED)?;
    let mut learned: Vec<(TrackId, Vec<Learned>)> = Vec::new();
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
    Ok(learned)
}

fn build(value: &JsValue) -> Result<BuildSnapshot, JsValue> {
    let b = object_at(value, "build", "snapshot.build")?;
    let mut changes = Cursor::of(&b, "baseChanges", "snapshot.build.baseChanges")?;
    let learned = learned(&b)?;
    let reason = field(&b, "reason")?
        .as_string()
        .ok_or_else(|| type_error("snapshot.build.reason must be a string"))?;
    Ok(BuildSnapshot {
        version: safe_integer(&b, "version", "snapshot.build.version")?,
        reason,
        built_at: number(&field(&b, "builtAt")?, "snapshot.build.builtAt")?,
        diffs: safe_integer(&b, "diffs", "snapshot.build.diffs")?,
        base_changes: changes.rows(true)?,
        learned,
    })
}

/// The chain; `current` is absent, `undefined` or (in older snapshots) `null` when nothing
/// plays.
fn chain(value: &JsValue) -> Result<ChainSnapshot, JsValue> {
    let ch = object_at(value, "chain", "snapshot.chain")?;
    let current = field(&ch, "current")?;
    Ok(ChainSnapshot {
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
    })
}

/// `[id, play number, ...]`: when each track last played.
fn last_played(r: &JsValue) -> Result<Vec<(TrackId, u64)>, JsValue> {
    let mut c = Cursor::of(r, "last", "snapshot.recency.last")?;
    let mut last_played = Vec::new();
    while !c.done() {
        let id = c.id("a track id", 1.0)?;
        last_played.push((id, c.int("a play number", 1.0, MAX_SAFE)? as u64));
    }
    Ok(last_played)
}

/// The PRNG state: 16 hexadecimal digits.
fn rng(value: &JsValue) -> Result<u64, JsValue> {
    field(value, "rng")?
        .as_string()
        .filter(|s| s.len() == 16)
        .and_then(|s| u64::from_str_radix(&s, 16).ok())
        .ok_or_else(|| type_error("snapshot.rng must be a string of 16 hexadecimal digits"))
}

/// The queue; absent in version 2 snapshots made before it existed.
fn queue(value: &JsValue) -> Result<Vec<TrackId>, JsValue> {
    if field(value, "queue")?.is_undefined() {
        return Ok(Vec::new());
    }
    id_list(value, "queue", "snapshot.queue")
}

/// `[]` or `[id, start, end]`; absent in version 2 snapshots made before it existed.
fn history(value: &JsValue) -> Result<Option<HistoryEnd>, JsValue> {
    if field(value, "history")?.is_undefined() {
        return Ok(None);
    }
    let mut c = Cursor::of(value, "history", "snapshot.history")?;
    if c.done() {
        return Ok(None);
    }
    Ok(Some(HistoryEnd {
        id: c.id("a track id", 1.0)?,
        start: c.next("a start")?,
        end: c.next("an end")?,
    }))
}
