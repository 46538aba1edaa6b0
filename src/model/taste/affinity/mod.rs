//! Which tracks go well after which, learned from the answers to transitions and carried over
//! to transitions that never played.
//!
//! The transition level knows only pairs that played: 2 400 plays in a catalogue of 600
//! tracks answer under 1 % of its pairs. For a listener whose answer depends on the track
//! before (who skips a jump from one genre to a distant one, say) every other pair is a
//! guess. Here each track answered gets a few numbers: a bias and a short vector. The
//! affinity of `to` after `from` is the dot product of their vectors, a shift of `to`'s mean
//! on the logit scale. Each answer to a transition moves both vectors one step down the
//! gradient of its squared error (a factorisation of the answers learned online), so tracks
//! heard out after the same tracks come to point the same way, and a pair that never played
//! takes what its neighbours taught.
//!
//! The model earns its say. Before it learns from an answer it predicts it twice, with the
//! vectors and without, and keeps an average of how much closer the first came
//! ([`Affinity::GAIN_MEMORY`]). A pick shifts its candidates by the affinity only as far as
//! that average has passed [`Affinity::OPEN_FROM`] (fully from [`Affinity::FULL_AT`]): for a
//! listener whose answers the track level explains, the shifts fit noise, the average stays
//! low, and picks are those of the two levels alone. The bias absorbs what the track level
//! misses about a track (a favourite undervalued by its shrunk mean), which would otherwise
//! pass for an affinity between favourites (among the out-of-sample listeners it opened the
//! gate for one whose taste is a chance at each play, and its picks looped). It is learned,
//! never used to pick.

use super::parts::sorted;
use crate::model::table::{keyed_by, IdTable};
use crate::model::TrackId;

/// The length of each track's vector. Four or sixteen learned more slowly than eight (the
/// context listener of `bench/blind-listeners.mjs`: late skip 0.30 either way, against 0.26).
pub const DIM: usize = 8;

/// One track's learned numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Factors {
    id: TrackId,
    bias: f32,
    v: [f32; DIM],
}

keyed_by!(Factors, id: TrackId);

/// The learned affinities, and how far the picks heed them.
#[derive(Clone, Debug, Default)]
pub(super) struct Affinity {
    table: IdTable<Factors>,
    /// The average cut in squared error from the affinity, per answer.
    gain: f64,
}

fn dot(a: &[f32; DIM], b: &[f32; DIM]) -> f32 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        s += x * y;
    }
    s
}

/// `e^z` for `z` within ±4 (clamped there), as `(1 + z/32)^32`: monotone and within a quarter
/// of the exact value, all a shift needs, without the 0.8 KB of wasm that `f64::exp` and
/// `f64::ln` would add.
fn exp_approx(z: f64) -> f64 {
    let mut x = 1.0 + z.clamp(-4.0, 4.0) / 32.0;
    for _ in 0..5 {
        x *= x;
    }
    x
}

/// The mean `m` shifted by `z` on the logit scale: `m e^z / (m e^z + 1 - m)`.
pub(super) fn shifted(m: f64, z: f64) -> f64 {
    let k = m * exp_approx(z);
    k / (k + (1.0 - m))
}

/// A track's numbers start small and differ from track to track (from its id), so that the
/// vectors can move apart at all. Not too small: each step moves a vector in proportion to the
/// other's, so from near 0 they take long to move apart. At 0.2 the context listener of
/// `bench/blind-listeners.mjs` (row 8) opened the gate late (seed 1: between plays 1 200 and
/// 1 500 of 2 400) or never (seed 7); at 0.6, over seeds 1-30, its late skip went 0.318 ->
/// 0.259 (-0.059 ± 0.016), every other row within 0.004. At 0.8 the gate also opened for a
/// listener whose taste is per track (row 1b: 0.75-1.0 in four of eight sessions, at most 0.21
/// at 0.6; its late skip +0.020 ± 0.005).
const START_SCALE: f32 = 0.6;

/// A track's starting numbers: a bias of 0 and a small vector drawn from its id (xorshift).
fn start(id: TrackId) -> Factors {
    let mut v = [0.0; DIM];
    let mut h = id.wrapping_mul(0x9E37_79B9) ^ 0x5BD1_E995;
    for x in &mut v {
        h ^= h << 13;
        h ^= h >> 17;
        h ^= h << 5;
        *x = ((h >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * START_SCALE;
    }
    Factors { id, bias: 0.0, v }
}

/// What a pick needs to shift its candidates after one track: that track's vector and how
/// far the gate is open, read once per pick.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    affinity: &'a Affinity,
    from: Option<&'a [f32; DIM]>,
    gate: f64,
}

impl Context<'_> {
    /// The shift on the logit scale of `to` after the context's track, as far as the gate is
    /// open (0 when it is shut or either track has no numbers yet).
    #[inline]
    fn shift(&self, to: TrackId) -> f64 {
        // `from` is `None` while the gate is shut: no lookup then.
        let Some(a) = self.from else {
            return 0.0;
        };
        self.affinity
            .table
            .get(to)
            .map_or(0.0, |b| f64::from(dot(a, &b.v)) * self.gate)
    }

    /// `liked`, the track level's mean of `to`, shifted by the affinity of `to` after the
    /// context's track; and the shift.
    #[inline]
    pub(crate) fn apply(&self, liked: f64, to: TrackId) -> (f64, f64) {
        let z = self.shift(to);
        if z == 0.0 {
            (liked, 0.0)
        } else {
            (shifted(liked, z), z)
        }
    }

    /// True when a pick shifts its candidates at all (the gate is open and the row's track
    /// has numbers).
    #[inline(always)]
    pub(crate) fn heeded(&self) -> bool {
        self.from.is_some()
    }

    /// How far the gate is open, from 0 to 1.
    pub(crate) fn gate(&self) -> f64 {
        self.gate
    }
}

impl Affinity {
    /// The step of each answer. At 0.08 the context listener's gate stayed shut; at 0.3 the
    /// vectors were noisier (late skip 0.30 against 0.26).
    const RATE: f32 = 0.15;
    /// How far each step also pulls the numbers it moves toward 0 (weight decay): an
    /// affinity no longer confirmed fades.
    const SHRINK: f32 = 0.02;
    /// The average of the gain in prediction follows about the last `1 / GAIN_MEMORY`
    /// answers.
    const GAIN_MEMORY: f64 = 0.005;
    /// The gate opens when the affinity cuts the squared error of the predictions by this
    /// much per answer on average...
    const OPEN_FROM: f64 = 0.004;
    /// ...and is fully open from this much.
    const FULL_AT: f64 = 0.008;

    /// How far the picks heed the affinities, from 0 to 1.
    fn gate(&self) -> f64 {
        ((self.gain - Self::OPEN_FROM) / (Self::FULL_AT - Self::OPEN_FROM)).clamp(0.0, 1.0)
    }

    /// The context of a pick after `from` (the start node has no numbers: no shift).
    pub(super) fn context(&self, from: TrackId) -> Context<'_> {
        let gate = self.gate();
        Context {
            affinity: self,
            from: (gate > 0.0)
                .then(|| self.table.get(from).map(|f| &f.v))
                .flatten(),
            gate,
        }
    }

    /// The numbers of `id`, started when it has none (`None` for the start node).
    fn slot(&mut self, id: TrackId) -> Option<&mut Factors> {
        let (slot, fresh) = self.table.upsert(id)?;
        if fresh {
            *slot = start(id);
        }
        Some(slot)
    }

    /// Learns from the answer `v` to `to` after `from`: `mean` is what the track level
    /// expected of `to`, and `welcome` how welcome a replay at its gap was thought to be (1
    /// for a first play), which scales every prediction: a replay skipped for coming too soon
    /// says little about the pair. `from` and `to` are two different tracks.
    pub(super) fn learn(&mut self, from: TrackId, to: TrackId, v: f64, mean: f64, welcome: f64) {
        let Some(a) = self.slot(from).map(|a| *a) else {
            return;
        };
        let Some(b) = self.slot(to) else {
            return;
        };
        let bias = f64::from(b.bias);
        let with_bias = welcome * shifted(mean, bias);
        let predicted = welcome * shifted(mean, bias + f64::from(dot(&a.v, &b.v)));
        let g = (v - predicted) as f32;
        // `to`'s numbers in place, from their old values and `from`'s.
        let old = *b;
        b.bias += Self::RATE * (g - Self::SHRINK * old.bias);
        for (y, (own, other)) in b.v.iter_mut().zip(old.v.iter().zip(&a.v)) {
            *y += Self::RATE * (g * other - Self::SHRINK * own);
        }
        if let Some(x) = self.table.get_mut(from) {
            for (x, (own, other)) in x.v.iter_mut().zip(a.v.iter().zip(&old.v)) {
                *x += Self::RATE * (g * other - Self::SHRINK * own);
            }
        }
        let gain = (v - with_bias) * (v - with_bias) - (v - predicted) * (v - predicted);
        self.gain += Self::GAIN_MEMORY * (gain - self.gain);
    }

    pub(super) fn forget(&mut self, id: TrackId) {
        self.table.remove(id);
    }

    /// Everything learned, ascending by track, for saving.
    pub(super) fn parts(&self) -> AffinityParts {
        let ids: Vec<TrackId> = sorted(self.table.keys()).collect();
        let factors = ids
            .iter()
            .filter_map(|id| self.table.get(*id))
            .map(|f| (f.bias, f.v))
            .collect();
        AffinityParts {
            gain: self.gain,
            ids,
            factors,
        }
    }

    /// Affinities rebuilt from saved parts; `None` when a number is not finite, the ids are
    /// not ascending or the two lists differ in length.
    pub(super) fn restore(parts: &AffinityParts) -> Option<Self> {
        if parts.ids.len() != parts.factors.len() || !parts.gain.is_finite() {
            return None;
        }
        let mut table = IdTable::default();
        let mut last = 0;
        for (id, (bias, v)) in parts.ids.iter().zip(&parts.factors) {
            let finite = bias.is_finite() && v.iter().all(|x| x.is_finite());
            if *id <= last || !finite {
                return None;
            }
            last = *id;
            table.insert(Factors {
                id: *id,
                bias: *bias,
                v: *v,
            });
        }
        Some(Self {
            table,
            gain: parts.gain,
        })
    }
}

/// The learned affinities as plain data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AffinityParts {
    /// The average cut in squared error per answer (the gate's measure).
    pub gain: f64,
    /// The tracks that have numbers, ascending.
    pub ids: Vec<TrackId>,
    /// Per track of `ids`, its bias and vector.
    pub factors: Vec<(f32, [f32; DIM])>,
}

#[cfg(test)]
mod tests;
