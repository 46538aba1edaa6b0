use super::selector::heaviest;
use super::{select, Candidate, Recency, Rng, Row, RuntimeGraph, SelectorConfig, TrackId, START};

/// The rules of a generated pick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PickConfig {
    pub selector: SelectorConfig,
    /// A track among the last `repeat_window` plays is held back while another candidate exists.
    pub repeat_window: usize,
}

/// Where a pick's candidates come from.
enum Source {
    /// The positive-weight successors of this row (the current track's, or the start row's).
    Row(TrackId),
    /// No row had a positive weight: the least recently played known track.
    Fallback(TrackId),
    Nothing,
}

/// Which row the next pick draws from: the current track's; the start row when the current
/// track has no positive successor (or nothing plays yet); else the least recently played
/// known track. Candidates of the chosen row are left in `scratch`.
fn source(
    build: &RuntimeGraph,
    current: Option<TrackId>,
    recency: &Recency,
    scratch: &mut Vec<Candidate>,
) -> Source {
    let rows = match current {
        Some(id) => [Some(id), Some(START)],
        None => [Some(START), None],
    };
    for from in rows.into_iter().flatten() {
        scratch.clear();
        if !build.learned_since_build(from) {
            // Nothing learned on this row: the fined weights are the base weights.
            for (targets, weights) in build.base().row(from).into_iter().flat_map(Row::segments) {
                let positive = targets.iter().zip(weights).filter(|(_, w)| **w > 0.0);
                scratch.extend(positive.map(|(id, weight)| Candidate {
                    id: *id,
                    weight: *weight,
                }));
            }
        } else {
            build.for_each_edge(from, |e| {
                let weight = e.fined();
                if weight > 0.0 {
                    scratch.push(Candidate { id: e.to, weight });
                }
            });
        }
        if !scratch.is_empty() {
            return Source::Row(from);
        }
    }
    // Never-played tracks count as played at time 0, so they come first, lowest id first; the
    // current track was played last and so comes last.
    build
        .ids()
        .min_by_key(|id| (recency.last_played(*id).unwrap_or(0), *id))
        .map_or(Source::Nothing, Source::Fallback)
}

/// Marks the candidates inside the repeat window by negating their weight, so the selector
/// skips them, and returns how many are left unmarked. `scratch` arrives in ascending id order.
fn hold_back_recent(scratch: &mut [Candidate], recency: &Recency, window: usize) -> usize {
    let mut held = 0;
    let mut hold = |c: &mut Candidate| {
        if c.weight > 0.0 {
            c.weight = -c.weight;
            held += 1;
        }
    };
    // Few tracks are recent: look each of them up among the candidates (binary search),
    // rather than asking about every candidate.
    if let Some(recent) = recency.recent(window) {
        for id in recent {
            if let Ok(at) = scratch.binary_search_by_key(&id, |c| c.id) {
                if let Some(c) = scratch.get_mut(at) {
                    hold(c);
                }
            }
        }
    } else {
        for c in scratch
            .iter_mut()
            .filter(|c| recency.is_recent(c.id, window))
        {
            hold(c);
        }
    }
    scratch.len() - held
}

/// The least recently played candidate (all of them are inside the repeat window).
fn least_recent(candidates: &[Candidate], recency: &Recency) -> Option<TrackId> {
    candidates
        .iter()
        .map(|c| c.id)
        .min_by_key(|id| (recency.last_played(*id).unwrap_or(0), *id))
}

/// Chooses the next generated track, or `None` only when the build knows no track at all.
///
/// `scratch` is a buffer the caller keeps, so a pick allocates nothing in the steady state.
pub fn choose_next(
    build: &RuntimeGraph,
    current: Option<TrackId>,
    recency: &Recency,
    config: PickConfig,
    rng: &mut Rng,
    scratch: &mut Vec<Candidate>,
) -> Option<TrackId> {
    match source(build, current, recency, scratch) {
        Source::Nothing => None,
        Source::Fallback(id) => Some(id),
        Source::Row(_) => {
            // The held-back candidates stay in place, so the others keep their target order
            // and picks stay reproducible.
            if hold_back_recent(scratch, recency, config.repeat_window) == 0 {
                return least_recent(scratch, recency);
            }
            select(scratch, config.selector, rng)
        }
    }
}

/// One candidate of the next generated pick, and why it is as likely as it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub id: TrackId,
    pub base: f64,
    pub bonus: f64,
    pub penalty: f64,
    pub cooldown: u32,
    /// Held back by the repeat window.
    pub recent: bool,
    /// The chance that the next generated pick is this track.
    pub probability: f64,
}

/// The candidates the next generated pick would choose from (every edge of the row it would
/// draw from, zero-weight ones included), with the chance of each. It consumes no randomness.
pub fn explain_next(
    build: &RuntimeGraph,
    current: Option<TrackId>,
    recency: &Recency,
    config: PickConfig,
) -> Vec<Explained> {
    let mut scratch = Vec::new();
    let from = match source(build, current, recency, &mut scratch) {
        Source::Nothing => return Vec::new(),
        Source::Fallback(id) => {
            // No row has a positive weight: the least recently played track is certain. Its
            // components are those of its (drained) edge on the start row, if it has one.
            let mut explained = Explained {
                id,
                base: 0.0,
                bonus: 0.0,
                penalty: 0.0,
                cooldown: 0,
                recent: recency.is_recent(id, config.repeat_window),
                probability: 1.0,
            };
            build.edges(START).into_iter().for_each(|e| {
                if e.to == id {
                    (explained.base, explained.bonus) = (e.base, e.bonus);
                    (explained.penalty, explained.cooldown) = (e.penalty, e.cooldown);
                }
            });
            return vec![explained];
        }
        Source::Row(from) => from,
    };
    let fresh_count = hold_back_recent(&mut scratch, recency, config.repeat_window);
    let chance = chances(&mut scratch, fresh_count, recency, config);
    let mut out = Vec::new();
    build.edges(from).into_iter().for_each(|e| {
        out.push(Explained {
            id: e.to,
            base: e.base,
            bonus: e.bonus,
            penalty: e.penalty,
            cooldown: e.cooldown,
            recent: recency.is_recent(e.to, config.repeat_window),
            probability: chance(e.to),
        });
    });
    out
}

/// The pick probability of each candidate under the selector's rules.
fn chances(
    scratch: &mut [Candidate],
    fresh_count: usize,
    recency: &Recency,
    config: PickConfig,
) -> impl Fn(TrackId) -> f64 {
    // (the ids that may be picked, the chance of each or None for "by weight", total weight)
    let (ids, uniform, total): (Vec<Candidate>, Option<f64>, f64) = if fresh_count == 0 {
        let id = least_recent(scratch, recency);
        (
            id.map(|id| Candidate { id, weight: 1.0 })
                .into_iter()
                .collect(),
            Some(1.0),
            1.0,
        )
    } else {
        // Held-back candidates carry a negative weight: only the others can be picked.
        let fresh: Vec<Candidate> = scratch.iter().filter(|c| c.weight > 0.0).copied().collect();
        let total: f64 = fresh.iter().map(|c| c.weight).sum();
        if super::gini(fresh.iter().map(|c| c.weight)) > config.selector.gini_threshold {
            let top = heaviest(scratch, config.selector.top_k.max(1));
            (top.to_vec(), Some(1.0 / top.len() as f64), total)
        } else {
            (fresh, None, total)
        }
    };
    move |id| {
        ids.iter()
            .find(|c| c.id == id)
            .map_or(0.0, |c| uniform.unwrap_or(c.weight / total))
    }
}
