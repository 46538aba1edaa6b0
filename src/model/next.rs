use super::selector::heaviest;
use super::{
    select, Candidate, Draw, EdgeView, Evidence, Recency, Rng, Row, RuntimeGraph, SelectorConfig,
    TrackId, START,
};

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
    // The current track was played last and so comes last.
    recency
        .least_recent(build.ids())
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
    recency.least_recent(candidates.iter().map(|c| c.id))
}

/// Chooses the next generated track, or `None` only when the build knows no track at all.
///
/// `scratch` is a buffer the caller keeps, so a pick allocates nothing in the steady state.
pub fn choose_next(draw: Draw<'_>, rng: &mut Rng, scratch: &mut Vec<Candidate>) -> Option<TrackId> {
    let (build, current, recency) = (draw.build, draw.current, draw.recency);
    let config = draw.rules.seed;
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
    /// The build's view of the edge from the explained row (zeros when it is not an edge).
    pub base: f64,
    pub bonus: f64,
    pub penalty: f64,
    pub cooldown: u32,
    /// The listener's answers to this transition and to this track, decayed to now.
    pub transition: Evidence,
    pub track: Evidence,
    /// The shift of the track's mean by its learned affinity after the row's track, on the
    /// logit scale (0 under the seed rules, or while the affinities are not heeded).
    pub affinity: f64,
    /// Plays since it last played (0: it is playing), `None` when it never played.
    pub plays_ago: Option<u64>,
    /// Held back by the repeat window.
    pub recent: bool,
    /// What the policy weighs it by: the fined weight (seed rules) or its worth (adaptive).
    pub score: f64,
    /// The chance that the next generated pick is this track.
    pub probability: f64,
}

/// Why the next generated pick will be what it will be.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The row the pick draws from: the current track, or [`START`].
    pub row: TrackId,
    /// The repeat window now, in plays.
    pub repeat_window: u64,
    /// How far picks heed the learned affinities between tracks, from 0 to 1 (0 under the
    /// seed rules).
    pub context: f64,
    /// How many of the best candidates the next pick draws among: 5 or 3 under the adaptive
    /// policy (see [`Breadth`](super::Breadth)), 0 when it draws otherwise (the seed rules,
    /// or a fallback that leaves one track).
    pub drawn: usize,
    /// The most likely candidates first, at most the limit asked for.
    pub candidates: Vec<Explained>,
}

/// The candidates the next generated pick would choose from under the seed rules (every edge
/// of the row it would draw from, zero-weight ones included), with the chance of each, most
/// likely first and at most `limit` of them. It consumes no randomness.
pub fn explain_next(draw: Draw<'_>, limit: usize) -> Explanation {
    let (build, current, recency, taste) = (draw.build, draw.current, draw.recency, draw.taste);
    let config = draw.rules.seed;
    let window = config.repeat_window;
    let plays_ago = |id| recency.last_played(id).map(|at| recency.plays() - at);
    let explained = |row: TrackId, e: EdgeView, probability| Explained {
        id: e.to,
        base: e.base,
        bonus: e.bonus,
        penalty: e.penalty,
        cooldown: e.cooldown,
        transition: taste.transition(row, e.to),
        track: taste.track(e.to),
        affinity: 0.0,
        plays_ago: plays_ago(e.to),
        recent: recency.is_recent(e.to, window),
        score: e.fined(),
        probability,
    };
    let mut scratch = Vec::new();
    let mut out = Explanation {
        row: current.unwrap_or(START),
        repeat_window: window as u64,
        context: 0.0,
        drawn: 0,
        candidates: Vec::new(),
    };
    let from = match source(build, current, recency, &mut scratch) {
        Source::Nothing => return out,
        Source::Fallback(id) => {
            // No row has a positive weight: the least recently played track is certain. Its
            // components are those of its (drained) edge on the start row, if it has one.
            out.row = START;
            out.candidates
                .push(explained(START, start_edge(build, id), 1.0));
            return out;
        }
        Source::Row(from) => from,
    };
    out.row = from;
    let fresh_count = hold_back_recent(&mut scratch, recency, window);
    let chance = chances(&mut scratch, fresh_count, recency, config);
    let mut all: Vec<Explained> = Vec::new();
    build.for_each_edge(from, |e| {
        let p = chance(&e, recency.is_recent(e.to, window));
        all.push(explained(from, e, p));
    });
    out.candidates = most_likely_first(&all, limit, |e| e.probability)
        .into_iter()
        .filter_map(|at| all.get(at).cloned())
        .collect();
    out
}

/// The edge from the start node to `id` in `build`, or one with nothing on it.
fn start_edge(build: &RuntimeGraph, id: TrackId) -> EdgeView {
    let edge = build.edges(START).into_iter().find(|e| e.to == id);
    edge.unwrap_or(EdgeView {
        to: id,
        base: 0.0,
        bonus: 0.0,
        penalty: 0.0,
        cooldown: 0,
    })
}

/// The indices of the `limit` most likely items, most likely first (ties by lower id), without
/// sorting them all: the selector's own one-pass top-k, on chances raised by 1 so that items
/// without a chance are ranked too. Items must have distinct ids.
pub(crate) fn most_likely_first<T>(
    items: &[T],
    limit: usize,
    chance: impl Fn(&T) -> f64,
) -> Vec<usize> {
    let mut ranked: Vec<Candidate> = items
        .iter()
        .enumerate()
        .map(|(i, item)| Candidate {
            id: i as TrackId,
            weight: 1.0 + chance(item),
        })
        .collect();
    heaviest(&mut ranked, limit)
        .iter()
        .map(|c| c.id as usize)
        .collect()
}

/// The pick probability of each edge under the selector's rules, given whether the repeat
/// window holds it back. O(1) per edge, so explaining a start row of 100 000 tracks is linear.
fn chances(
    scratch: &mut [Candidate],
    fresh_count: usize,
    recency: &Recency,
    config: PickConfig,
) -> impl Fn(&EdgeView, bool) -> f64 {
    enum Rule {
        Only(Option<TrackId>),
        Uniform(Vec<(TrackId, u64)>),
        Weighted(f64),
    }
    let rule = if fresh_count == 0 {
        Rule::Only(least_recent(scratch, recency))
    } else {
        // Held-back candidates carry a negative weight: only the others can be picked.
        let fresh = scratch.iter().filter(|c| c.weight > 0.0).map(|c| c.weight);
        if super::gini(fresh.clone()) > config.selector.gini_threshold {
            let top = heaviest(scratch, config.selector.top_k.max(1));
            // (id, 0) pairs: sorted by the same code that sorts the recency record.
            let mut ids: Vec<(TrackId, u64)> = top.iter().map(|c| (c.id, 0)).collect();
            super::sort_pairs(&mut ids);
            Rule::Uniform(ids)
        } else {
            Rule::Weighted(fresh.sum())
        }
    };
    move |e, held| match &rule {
        Rule::Only(id) => f64::from(u8::from(*id == Some(e.to))),
        Rule::Uniform(ids) => {
            if ids.binary_search(&(e.to, 0)).is_ok() {
                1.0 / ids.len() as f64
            } else {
                0.0
            }
        }
        Rule::Weighted(total) if !held && *total > 0.0 => e.fined() / total,
        Rule::Weighted(_) => 0.0,
    }
}
