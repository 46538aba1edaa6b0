//! The adaptive policy: picks by what the listener's answers say, at two levels.
//!
//! Each candidate's worth is the chance the listener hears it out after the current track:
//! the transition's own answers, with the track's answers (from any previous track) as their
//! prior, and an unheard track's prior the listener's answers to first plays. A sparse row
//! borrows from the track level; a transition answered often decides by itself. The worth is
//! raised by its uncertainty (optimism: an unheard or long-unheard track gets its chance),
//! multiplied by how welcome a replay after that many plays is ([`Taste::gap_factor`], the
//! learned repeat window), and by the row's own preference for the edge (the base graph's
//! share). The pick is a draw weighted by the worth to the power [`SHARPNESS`].
//!
//! Candidates are bounded whatever the catalogue's size: the current track's row, the
//! transitions out of it that have answers, tracks the listener last heard out (and a few last
//! partly heard) outside the repeat window, and a few tracks drawn uniformly from the catalogue
//! for exploration.

use super::next::most_likely_first;
use super::taste::{Answer, Evidence, Taste, TRACK_PRIOR_WEIGHT, TRANSITION_PRIOR_WEIGHT};
use super::{Candidate, Recency, Rng, RuntimeGraph, TrackId, START};

/// How strongly the draw prefers the best candidates: weights are worth^SHARPNESS, so a track
/// worth 0.9 is drawn 3x as often as one worth 0.8 and 40x as often as one worth 0.6.
const SHARPNESS: i32 = 8;
/// Tracks last heard out, outside the repeat window, drawn each pick.
const LIKED_PICKS: usize = 12;
/// Tracks last partly heard, outside the repeat window, drawn each pick.
const PARTLY_PICKS: usize = 3;
/// Tracks drawn from the whole catalogue each pick, so every track keeps a chance.
const SAMPLES: usize = 4;
/// The pick is drawn among this many of the best candidates.
const DRAWN: usize = 5;

/// The knobs of the adaptive policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveConfig {
    /// How far uncertainty raises a candidate's worth, in standard deviations.
    pub exploration: f64,
}

/// One candidate as the adaptive policy sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub id: TrackId,
    /// The build's weight of the edge from the row (0 when it is not an edge of the row).
    pub base: f64,
    pub transition: Evidence,
    pub track: Evidence,
    /// Plays since it last played, `None` when never.
    pub plays_ago: Option<u64>,
    pub worth: f64,
    pub weight: f64,
}

/// The plays a track would be replayed after if it played next (`None`: never played).
fn replay_gap(recency: &Recency, id: TrackId) -> Option<u64> {
    recency.last_played(id).map(|at| recency.plays() + 1 - at)
}

/// Collects the candidate ids (with the row's fined weight, 0 for the others) into `scratch`,
/// and returns how many of them came from the row (those are first, in target order).
fn gather(
    build: &RuntimeGraph,
    from: TrackId,
    taste: &Taste,
    recency: &Recency,
    rng: &mut Rng,
    scratch: &mut Vec<Candidate>,
) -> usize {
    scratch.clear();
    if from != START {
        // The start row is the whole catalogue: only a track's own row is read whole.
        build.for_each_edge(from, |e| {
            scratch.push(Candidate {
                id: e.to,
                weight: e.fined(),
            })
        });
    }
    let row_len = scratch.len();
    // Adds `id` unless it is a candidate already; true when added.
    let push = |scratch: &mut Vec<Candidate>, id: TrackId| {
        let (row, extra) = scratch.split_at(row_len);
        let new =
            row.binary_search_by_key(&id, |c| c.id).is_err() && !extra.iter().any(|c| c.id == id);
        if new {
            scratch.push(Candidate { id, weight: 0.0 });
        }
        new
    };
    // The transitions answered after this track (from the start node they are the listener's
    // whole history, which the track level and the draws below already cover).
    if from != START {
        for (to, _) in taste.transitions_from(from) {
            push(scratch, *to);
        }
    }
    // Tracks the listener last heard out, then some last partly heard (for when every liked
    // track is too recent), passing over those the window holds back. Draws are bounded, so a
    // pick never reads a whole group.
    let window = repeat_window(build, taste);
    for (answer, wanted) in [
        (Answer::Heard, LIKED_PICKS),
        (Answer::Partial, PARTLY_PICKS),
    ] {
        let mut taken = 0;
        for _ in 0..2 * wanted {
            let Some(id) = taste.draw(answer, rng) else {
                break;
            };
            let held = replay_gap(recency, id).is_some_and(|g| g < window);
            if !held && build.contains(id) && push(scratch, id) {
                taken += 1;
                if taken == wanted {
                    break;
                }
            }
        }
    }
    for _ in 0..SAMPLES {
        if let Some(id) = build.base().random_track(rng) {
            push(scratch, id);
        }
    }
    row_len
}

/// Scores the gathered candidates; returns the total weight.
fn score(
    from: TrackId,
    row_len: usize,
    taste: &Taste,
    recency: &Recency,
    config: AdaptiveConfig,
    scratch: &mut [Candidate],
    mut each: impl FnMut(Scored),
) -> f64 {
    let row_total: f64 = scratch.iter().take(row_len).map(|c| c.weight).sum();
    let prior = taste.prior_mean();
    let decay = taste.decay();
    let transitions = taste.transitions_from(from);
    let learned = !taste.is_empty();
    let mut total = 0.0;
    for (i, c) in scratch.iter_mut().enumerate() {
        let track = if learned {
            taste.track(c.id)
        } else {
            Evidence::default()
        };
        let liked = track.mean(prior, TRACK_PRIOR_WEIGHT);
        let transition = transitions
            .binary_search_by_key(&c.id, |(to, _)| *to)
            .ok()
            .and_then(|at| transitions.get(at))
            .map_or_else(Evidence::default, |(_, e)| Evidence {
                heard: e.heard * decay,
                skipped: e.skipped * decay,
            });
        let mean = transition.mean(liked, TRANSITION_PRIOR_WEIGHT);
        let answers = TRACK_PRIOR_WEIGHT + track.weight() + transition.weight();
        let optimism = config.exploration * (mean * (1.0 - mean) / (answers + 1.0)).sqrt();
        let plays_ago = replay_gap(recency, c.id);
        let welcome = plays_ago.map_or(1.0, |g| taste.gap_factor(g));
        let share = if i < row_len && row_total > 0.0 {
            c.weight / row_total
        } else {
            0.0
        };
        let worth = ((mean + optimism).min(1.0) * welcome * (1.0 + share)).max(1e-6);
        let weight = worth.powi(SHARPNESS);
        each(Scored {
            id: c.id,
            base: if i < row_len { c.weight } else { 0.0 },
            transition,
            track,
            plays_ago: plays_ago.map(|g| g - 1),
            worth,
            weight,
        });
        c.weight = weight;
        total += weight;
    }
    total
}

/// The learned repeat window, bounded by the catalogue: with `n` tracks known, at most `n`
/// plays (so the least recently played track is never held back).
pub fn repeat_window(build: &RuntimeGraph, taste: &Taste) -> u64 {
    taste.window().min(build.base().track_count().max(1) as u64)
}

/// Keeps only the [`DRAWN`] heaviest candidates (zeroing the others' weight) and returns their
/// total weight: the draw is among the best few, so a long tail of middling candidates cannot
/// add up to a likely pick.
fn keep_best(scratch: &mut [Candidate], total: f64) -> f64 {
    if scratch.len() <= DRAWN {
        return total;
    }
    let mut order: [(f64, usize); DRAWN] = [(0.0, usize::MAX); DRAWN];
    for (i, c) in scratch.iter().enumerate() {
        // Insert into the small sorted list of the heaviest (heaviest first, then lower index).
        if let Some(pos) = order.iter().position(|(w, _)| c.weight > *w) {
            order.copy_within(pos..DRAWN - 1, pos + 1);
            if let Some(slot) = order.get_mut(pos) {
                *slot = (c.weight, i);
            }
        }
    }
    let mut kept = 0.0;
    for (i, c) in scratch.iter_mut().enumerate() {
        if order.iter().any(|(_, at)| *at == i) {
            kept += c.weight;
        } else {
            c.weight = 0.0;
        }
    }
    kept
}

/// The row a pick draws from: the current track's, or the start row when nothing plays.
fn row_of(current: Option<TrackId>) -> TrackId {
    current.unwrap_or(START)
}

/// Chooses the next generated track, or `None` only when the build knows no track at all.
pub fn choose_adaptive(
    build: &RuntimeGraph,
    current: Option<TrackId>,
    recency: &Recency,
    taste: &Taste,
    config: AdaptiveConfig,
    rng: &mut Rng,
    scratch: &mut Vec<Candidate>,
) -> Option<TrackId> {
    let from = row_of(current);
    let row_len = gather(build, from, taste, recency, rng, scratch);
    let total = score(from, row_len, taste, recency, config, scratch, |_| {});
    let total = keep_best(scratch, total);
    if scratch.is_empty() || total <= 0.0 {
        // No candidate at all (a catalogue known only through lessons not yet folded): the
        // least recently played known track, so a pick never stalls.
        return build
            .ids()
            .min_by_key(|id| (recency.last_played(*id).unwrap_or(0), *id));
    }
    let mut r = rng.next_f64() * total;
    let mut last = None;
    for c in scratch.iter() {
        if r < c.weight {
            return Some(c.id);
        }
        r -= c.weight;
        last = Some(c.id);
    }
    last
}

/// The candidates of the next adaptive pick with the chance of each, most likely first. It
/// draws the same exploration samples the next pick will (from a copy of the generator), so
/// the chances are exactly those of the next pick.
pub fn explain_adaptive(
    build: &RuntimeGraph,
    current: Option<TrackId>,
    recency: &Recency,
    taste: &Taste,
    config: AdaptiveConfig,
    rng: &Rng,
) -> Vec<(Scored, f64)> {
    let from = row_of(current);
    let mut scratch = Vec::new();
    let row_len = gather(build, from, taste, recency, &mut rng.clone(), &mut scratch);
    let mut scored = Vec::with_capacity(scratch.len());
    let total = score(from, row_len, taste, recency, config, &mut scratch, |s| {
        scored.push(s)
    });
    let total = keep_best(&mut scratch, total);
    for (s, c) in scored.iter_mut().zip(&scratch) {
        s.weight = c.weight;
    }
    if scored.is_empty() || total <= 0.0 {
        return build
            .ids()
            .min_by_key(|id| (recency.last_played(*id).unwrap_or(0), *id))
            .map(|id| {
                let s = Scored {
                    id,
                    base: 0.0,
                    transition: Evidence::default(),
                    track: taste.track(id),
                    plays_ago: replay_gap(recency, id).map(|g| g - 1),
                    worth: 0.0,
                    weight: 0.0,
                };
                vec![(s, 1.0)]
            })
            .unwrap_or_default();
    }
    most_likely_first(&scored, usize::MAX, |s| s.weight / total)
        .into_iter()
        .filter_map(|at| scored.get(at).map(|s| (*s, s.weight / total)))
        .collect()
}
