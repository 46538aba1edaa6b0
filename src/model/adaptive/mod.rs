//! The adaptive policy: picks by what the listener's answers say, at two levels.
//!
//! Each candidate's worth is the chance the listener hears it out after the current track:
//! the transition's own answers, with the track's answers (from any previous track) as their
//! prior, and the track's own prior the listener's answers to first plays (or, for a track not
//! heard since a change of taste, to such tracks since: [`Priors`](super::taste::Priors)). A
//! sparse row borrows from the track level; a transition answered often decides by itself.
//! While the learned affinities between tracks are heeded, the track level's mean is first
//! shifted by the candidate's affinity after the current track
//! ([`Context`](super::taste::Context)): what the answers to other transitions say of one
//! never answered. The worth is raised by its uncertainty (optimism: an unheard or
//! long-unheard track gets its chance), multiplied by how welcome a replay after that many
//! plays is ([`Taste::gap_factor`], the learned repeat window), and by the row's own
//! preference for the edge (the base graph's share, heeded as far as the picks on rows fared
//! at least as well as the others after a track answered as this one was:
//! [`Taste::heed_row`]). The optimism eases once the listener has enough tracks heard out
//! ([`need_to_explore`]). The pick is a draw weighted by the worth to the power 8
//! ([`sharpen`]) among the best five candidates, or the best three while the listener's
//! answers favour the narrower draw ([`Breadth`]: chosen per pick, as a bandit; always the
//! five for a while after a change of taste, [`choose_way`]).
//!
//! Candidates are bounded whatever the catalogue's size: the current track's row, the
//! transitions out of it that have answers, tracks the listener last heard out (and a few last
//! partly heard) outside the repeat window, after a change of taste a few tracks skipped before
//! it, and a few tracks drawn from the catalogue for exploration (of the unheard ones drawn,
//! every other one traded for an unheard track drawn by the start row's weights: the app's
//! prior, such as public play counts, chooses which unheard tracks are tried).

mod gather;
mod top;

use gather::{gather, Gathered, STALE_PLAYS};
use top::Top;

use super::next::most_likely_first;
use super::num::{at_least, at_most};
use super::taste::{Answer, Breadth, Evidence, Taste, TRACK_PRIOR_WEIGHT, TRANSITION_PRIOR_WEIGHT};
use super::{Draw, Recency, Rng, RuntimeGraph, TrackId, START};

/// The pick is drawn among at most this many of the best candidates (fewer when its
/// [`Breadth`] says so).
const DRAWN: usize = 5;

/// The knobs of the adaptive policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdaptiveConfig {
    /// How far uncertainty raises a candidate's worth, in standard deviations.
    pub exploration: f64,
}

/// A candidate while a pick is made: its id, its edge's weight in the row (0 off the row), and
/// its answers in stored units, its last play (0: never) and its last answer, as read in the
/// one lookup made while gathering.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pick {
    id: TrackId,
    base: f64,
    track: Evidence,
    played: u64,
    last: Answer,
}

/// One candidate as the adaptive policy sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub id: TrackId,
    /// The build's weight of the edge from the row (0 when it is not an edge of the row).
    pub base: f64,
    pub transition: Evidence,
    pub track: Evidence,
    /// The shift of its track-level mean by its learned affinity after the row's track (on
    /// the logit scale; 0 when the affinities are not heeded).
    pub affinity: f64,
    /// Plays since it last played, `None` when never.
    pub plays_ago: Option<u64>,
    pub worth: f64,
    pub weight: f64,
}

/// The plays a track would be replayed after if it played next (`None`: never played).
fn replay_gap(recency: &Recency, id: TrackId) -> Option<u64> {
    recency.last_played(id).map(|at| recency.plays() + 1 - at)
}

/// Scores the gathered candidates, handing each to `each` with its index: its weight is its
/// worth to the power 8 ([`sharpen`]). One loop with the per-pick values in locals: split
/// into a per-pick struct and a per-candidate method, a pick ran 3 % more instructions
/// (10 082 against 9 746, `node bench/instructions.mjs`).
fn score(
    gathered: &Gathered<'_>,
    taste: &Taste,
    recency: &Recency,
    config: AdaptiveConfig,
    scratch: &[Pick],
    mut each: impl FnMut(usize, Scored),
) {
    let candidates = scratch.get(..gathered.len).unwrap_or_default();
    let row_len = gathered.row_len;
    // Sums by plain loops: `Iterator::sum` is a call per use in the size-optimised wasm.
    let mut row_total = 0.0;
    for c in candidates.get(..row_len).unwrap_or(candidates) {
        row_total += c.base;
    }
    let priors = taste.priors();
    let decay = taste.decay();
    let plays = recency.plays();
    let context = taste.context(gathered.from);
    let exploration = config.exploration * need_to_explore(taste, context.gate());
    let heeded = context.heeded();
    let heed_row = taste.heed_row(gathered.from);
    for (i, c) in candidates.iter().enumerate() {
        let track = c.track.scaled(decay);
        // `c.base` is above 0 only for an edge of the row (never from the start node).
        let prior = priors.of(c.played, c.last, c.base > 0.0);
        let liked = track.mean(prior, TRACK_PRIOR_WEIGHT);
        // Most listeners' gate is shut: one test of a local, no call.
        let (liked, affinity) = if heeded {
            context.apply(liked, c.id)
        } else {
            (liked, 0.0)
        };
        let (transition, mean) = with_transition(gathered.transitions, c.id, decay, liked);
        let answers = TRACK_PRIOR_WEIGHT + track.weight() + transition.weight();
        let optimism = exploration * (mean * (1.0 - mean) / (answers + 1.0)).sqrt();
        // The replay gap if it played next (`None`: never played).
        let plays_ago = (c.played > 0).then(|| plays + 1 - c.played);
        let welcome = plays_ago.map_or(1.0, |g| taste.gap_factor(g));
        let share = if i < row_len && row_total > 0.0 {
            heed_row * c.base / row_total
        } else {
            0.0
        };
        let worth = at_least(
            at_most(mean + optimism, 1.0) * welcome * (1.0 + share),
            1e-6,
        );
        let scored = Scored {
            id: c.id,
            base: c.base,
            transition,
            track,
            affinity,
            plays_ago: plays_ago.map(|g| g - 1),
            worth,
            weight: sharpen(worth),
        };
        each(i, scored);
    }
}

/// The transition's answers to `to`, decayed to now, and the candidate's mean: the
/// transition's, with the track level's `liked` as its prior (with no answers, `liked`
/// itself: `liked * 2 / 2`, exactly).
#[inline(always)]
fn with_transition(
    transitions: &[(TrackId, Evidence)],
    to: TrackId,
    decay: f64,
    liked: f64,
) -> (Evidence, f64) {
    match answered(transitions, to) {
        Some(e) => {
            let t = e.scaled(decay);
            (t, t.mean(liked, TRANSITION_PRIOR_WEIGHT))
        }
        None => (Evidence::default(), liked),
    }
}

/// The answers to the transition to `to` among a row's answered transitions (sorted by
/// target). Most rows have none: no search then.
#[inline(always)]
fn answered(transitions: &[(TrackId, Evidence)], to: TrackId) -> Option<&Evidence> {
    // A binary search written out: `binary_search_by_key` is a call per candidate in the
    // size-optimised wasm.
    let (mut lo, mut hi) = (0, transitions.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (t, e) = transitions.get(mid)?;
        if *t == to {
            return Some(e);
        }
        if *t < to {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    None
}

/// `worth^8`, by squaring: how strongly the draw prefers the best candidates. A track worth
/// 0.9 is drawn 3x as often as one worth 0.8 and 40x as often as one worth 0.6.
fn sharpen(worth: f64) -> f64 {
    let w2 = worth * worth;
    let w4 = w2 * w2;
    w4 * w4
}

/// How much a pick needs to explore, from 1 down to [`LEAST_EXPLORATION`]: a listener with
/// few tracks recently heard out needs new ones (at the start, or after a change of taste),
/// one with [`ENOUGH_HEARD`] times as many as the plays a replay waits has enough to play.
/// Without it, unheard tracks, raised by their uncertainty, kept winning against known
/// favourites long after enough of them were found: after a change of taste in a 1 000-track
/// catalogue the skip rate took 310 plays on average to come back (30 seeded sessions), 275
/// with it.
///
/// The wait is the learned horizon, from which a replay is as welcome as the best gap, at
/// most [`HORIZON_WINDOWS`] repeat windows: past the window a replay may still be skipped
/// more often than a rested one (a tolerance that fades), and a pool that only just covers
/// the window then keeps its favourites replayed too soon. While the learned affinities are
/// heeded (`gate`, from 0 to 1) the wait shrinks back to the window: for a listener with a
/// taste for transitions, what is tried to grow the pool mostly plays in the wrong context.
/// Counted in tracks, not answers ([`Taste::heard_tracks`]): favourites replayed in a loop
/// fill the ring of answers with a few tracks. Against the window and answers, over seeds
/// 1-30 of `bench/blind-listeners.mjs`: mean late skip -0.006 ± 0.003, more skips only for
/// the listener who skips genre jumps (+0.066).
///
/// The cap was two windows while the memory's half-life was 200 lessons: a pool big enough
/// to wait out a fading tolerance is replayed so rarely that its favourites faded between
/// plays, and a wider cap alone changed nothing (+0.001 ± 0.003). With a half-life of 500
/// and eight windows, -0.009 ± 0.002 over the same seeds (the slow drift -0.014, the
/// start-row latent listener -0.041), and in `npm run bench:sweep` the fading tolerances'
/// mean 0.291 -> 0.272 (over half the shuffle's in 54 settings of 108, not 69).
fn need_to_explore(taste: &Taste, gate: f64) -> f64 {
    let window = taste.window() as f64;
    // Not `f64::clamp`, which would bring the formatting of floats for its assertion.
    let horizon = at_least(
        at_most(taste.horizon() as f64, HORIZON_WINDOWS * window),
        window,
    );
    let wait = window + (horizon - window) * (1.0 - gate);
    let need = 1.0 - taste.heard_tracks() as f64 / (ENOUGH_HEARD * wait);
    need.clamp(LEAST_EXPLORATION, 1.0)
}

/// Tracks recently heard out, in waits before a replay, past which exploration is at its least.
const ENOUGH_HEARD: f64 = 2.0;
/// The longest wait [`need_to_explore`] counts, in repeat windows: a bound, so that a noisy
/// bucket far out cannot keep exploration at full strength for good.
const HORIZON_WINDOWS: f64 = 8.0;
/// The least share of [`AdaptiveConfig::exploration`] a pick uses: unheard tracks keep a chance.
const LEAST_EXPLORATION: f64 = 0.2;

/// The learned repeat window, bounded by the catalogue: with `n` tracks known, at most `n`
/// plays (so the least recently played track is never held back).
pub fn repeat_window(build: &RuntimeGraph, taste: &Taste) -> u64 {
    taste.window().min(build.base().track_count().max(1) as u64)
}

/// The row a pick draws from: the current track's, or the start row when nothing plays.
fn row_of(current: Option<TrackId>) -> TrackId {
    current.unwrap_or(START)
}

/// The way the next pick draws when the listener's answers choose it, or `None`: the wide
/// draw, whose answer teaches neither way, for [`STALE_PLAYS`] plays after a change of taste,
/// while the policy looks for the listener's new favourites. With the answers choosing then
/// too, the 120-track change listener of `bench:learning` came back to its skip rate within
/// 300 plays in 28 of 30 seeded sessions (mean 183 plays), against 30 (mean 162) this way.
fn choose_way(taste: &Taste, plays: u64, rng: &mut Rng) -> Option<Breadth> {
    let changed_at = taste.changed_at();
    let settled = changed_at == 0 || plays.saturating_sub(changed_at) > STALE_PLAYS;
    settled.then(|| taste.breadths().choose(rng))
}

/// Chooses the next generated track, with the way the listener's answers chose to draw it
/// (`None` for a while after a change of taste, when every pick draws wide, and for the
/// fallback below), or `None` only when the build knows no track at all.
pub fn choose_adaptive(
    draw: Draw<'_>,
    rng: &mut Rng,
    scratch: &mut Vec<Pick>,
) -> Option<(TrackId, Option<Breadth>)> {
    let (build, current, recency, taste) = (draw.build, draw.current, draw.recency, draw.taste);
    let config = draw.rules.adaptive;
    let from = row_of(current);
    let gathered = gather(build, from, taste, recency, rng, scratch);
    let mut top = Top::new();
    score(&gathered, taste, recency, config, scratch, |i, s| {
        top.offer(s.weight, i)
    });
    let chosen = choose_way(taste, recency.plays(), rng);
    top.keep(chosen.unwrap_or_default());
    let top = top.in_candidate_order();
    let mut total = 0.0;
    for (weight, _) in top {
        total += weight;
    }
    if total <= 0.0 {
        // No candidate at all (a catalogue known only through lessons not yet folded): the
        // least recently played known track, so a pick never stalls.
        return recency.least_recent(build.ids()).map(|id| (id, None));
    }
    let mut r = rng.next_f64() * total;
    let mut last = None;
    for (weight, at) in top.iter().filter(|t| t.0 > 0.0) {
        let id = scratch.get(*at).map(|c| (c.id, chosen));
        if r < *weight {
            return id;
        }
        r -= weight;
        last = id;
    }
    last
}

/// The candidates of the next adaptive pick with the chance of each, most likely first, and
/// the way it will draw (`None`: the fallback, one certain track). It draws the same
/// exploration samples and way the next pick will (from a copy of the generator), so the
/// chances are exactly those of the next pick.
pub fn explain_adaptive(draw: Draw<'_>, rng: &Rng) -> (Vec<(Scored, f64)>, Option<Breadth>) {
    let (build, current, recency, taste) = (draw.build, draw.current, draw.recency, draw.taste);
    let config = draw.rules.adaptive;
    let from = row_of(current);
    let mut scratch = Vec::new();
    let mut rng = rng.clone();
    let gathered = gather(build, from, taste, recency, &mut rng, &mut scratch);
    let mut scored = Vec::with_capacity(gathered.len);
    let mut top = Top::new();
    score(&gathered, taste, recency, config, &scratch, |i, s| {
        top.offer(s.weight, i);
        scored.push(s);
    });
    let way = choose_way(taste, recency.plays(), &mut rng).unwrap_or_default();
    top.keep(way);
    let top = top.heaviest_first();
    let total: f64 = top.iter().map(|t| t.0).sum();
    for (i, s) in scored.iter_mut().enumerate() {
        s.weight = top.iter().find(|t| t.1 == i).map_or(0.0, |t| t.0);
    }
    if scored.is_empty() || total <= 0.0 {
        let fallback = recency
            .least_recent(build.ids())
            .map(|id| {
                let s = Scored {
                    id,
                    base: 0.0,
                    transition: Evidence::default(),
                    track: taste.track(id),
                    affinity: 0.0,
                    plays_ago: replay_gap(recency, id).map(|g| g - 1),
                    worth: 0.0,
                    weight: 0.0,
                };
                vec![(s, 1.0)]
            })
            .unwrap_or_default();
        return (fallback, None);
    }
    let chances = most_likely_first(&scored, usize::MAX, |s| s.weight / total)
        .into_iter()
        .filter_map(|at| scored.get(at).map(|s| (*s, s.weight / total)))
        .collect();
    (chances, Some(way))
}

// Tests only (`cargo test`).
#[cfg(test)]
mod tests;
