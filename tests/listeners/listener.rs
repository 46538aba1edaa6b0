//! A simulated listener: hidden tastes, and how it answers each play.

use memory_player::model::{Rng, TrackId};

/// How the app tells the engine its catalogue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Loading {
    /// `reinforce(0, id)` for every track: the start row only.
    StartRow,
    /// Every track linked to every other (a small catalogue, as the demo does).
    FullMesh,
    /// Each track linked to this many random others.
    Random(usize),
    /// The start row, and each album's tracks linked in order (the app knows its albums).
    Albums,
}

/// A listener's hidden tastes and the session it listens to.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    pub(crate) name: String,
    pub(crate) tracks: u32,
    /// Moods in the catalogue (tastes by mood), or 0 for tastes per track.
    pub(crate) moods: u32,
    /// A track heard again within this many plays is skipped (with `fading`, the scale of
    /// the intolerance instead).
    pub(crate) tolerance: u64,
    /// The intolerance fades instead: a replay after `g` plays is skipped for it with chance
    /// `e^(-g / tolerance)`, at any gap.
    pub(crate) fading: bool,
    /// The chance that an answer is replaced by a random one.
    pub(crate) noise: f64,
    /// Tastes change after this many plays.
    pub(crate) change_at: Option<usize>,
    /// Ordered sequences of 5 tracks heard out only in order (and skipped out of order).
    pub(crate) sequences: u32,
    /// A taste for flow: the moods lie on a circle, and a liked track is heard out only
    /// after one of its own mood or the next one around (mostly skipped after any other).
    pub(crate) flow: bool,
    pub(crate) plays: usize,
    pub(crate) loading: Loading,
    pub(crate) seed: u64,
}

/// What a listener thinks of a track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Affinity {
    Love,
    Half,
    Dislike,
}

/// How a play was answered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome {
    Heard,
    Partial,
    Skipped,
}

/// Every track lasts this many seconds.
pub(crate) const DURATION: f64 = 200.0;

pub(crate) struct Listener {
    profile: Profile,
    pub(crate) affinity: Vec<Affinity>,
    /// Per track: its predecessor in a sequence (it is heard out only right after it).
    predecessor: Vec<Option<TrackId>>,
    /// Per track: the play index it was last heard at.
    pub(crate) last: Vec<Option<usize>>,
    rng: Rng,
}

/// A track's mood, spread over the ids by Fibonacci hashing.
fn mood_of(id: TrackId, moods: u32) -> u32 {
    (id.wrapping_mul(2_654_435_761) >> 7) % moods
}

fn draw_affinity(rng: &mut Rng, love: f64, half: f64) -> Affinity {
    let r = rng.next_f64();
    if r < love {
        Affinity::Love
    } else if r < love + half {
        Affinity::Half
    } else {
        Affinity::Dislike
    }
}

impl Listener {
    /// The tracks in the catalogue.
    pub(crate) fn tracks(&self) -> u32 {
        self.profile.tracks
    }

    pub(crate) fn new(profile: &Profile) -> Self {
        let n = profile.tracks as usize + 1;
        let mut rng = Rng::new(profile.seed ^ 0x5eed);
        let mut l = Self {
            profile: profile.clone(),
            affinity: vec![Affinity::Dislike; n],
            predecessor: vec![None; n],
            last: vec![None; n],
            rng: Rng::new(profile.seed ^ 0xa11),
        };
        l.draw_tastes(&mut rng, 0);
        // Sequences: consecutive ids from track 1 on, 5 to a sequence; the first of each is
        // liked, the others heard out only right after their predecessor.
        for s in 0..profile.sequences {
            let first = 1 + s * 5;
            if let Some(a) = l.affinity.get_mut(first as usize) {
                *a = Affinity::Love;
            }
            for k in 1..5 {
                if let Some(p) = l.predecessor.get_mut((first + k) as usize) {
                    *p = Some(first + k - 1);
                }
            }
        }
        l
    }

    /// Draws the hidden tastes; `shift` rotates which moods are loved (a change of taste).
    fn draw_tastes(&mut self, rng: &mut Rng, shift: u32) {
        let p = &self.profile;
        for id in 1..=p.tracks {
            let a = if p.moods == 0 {
                draw_affinity(rng, 0.3, 0.2)
            } else if p.flow {
                draw_affinity(rng, 0.8, 0.0)
            } else {
                // Moods 0 and 1 loved, mood 2 half-liked, the rest disliked; 10 % exceptions.
                let mood = mood_of(id, p.moods);
                let rank = (mood + p.moods - shift % p.moods) % p.moods;
                if rng.next_f64() < 0.1 {
                    draw_affinity(rng, 0.33, 0.33)
                } else if rank < 2 {
                    Affinity::Love
                } else if rank == 2 {
                    Affinity::Half
                } else {
                    Affinity::Dislike
                }
            };
            if let Some(slot) = self.affinity.get_mut(id as usize) {
                *slot = a;
            }
        }
    }

    /// The chance of each outcome if `id` plays after `prev` at play `at`: (heard, partial).
    fn chances(&self, id: TrackId, prev: Option<TrackId>, at: usize) -> (f64, f64) {
        let i = id as usize;
        let gap = self.last.get(i).copied().flatten().map(|last| at - last);
        // The share of the answers that are the intolerance of a replay's.
        let recent = match (gap, self.profile.fading) {
            (None, _) => 0.0,
            (Some(g), true) => (-(g as f64) / self.profile.tolerance.max(1) as f64).exp(),
            (Some(g), false) => f64::from(u8::from(g as u64 <= self.profile.tolerance)),
        };
        let (heard, partial) = self.taste_chances(id, prev);
        let (heard, partial) = (
            recent * 0.03 + (1.0 - recent) * heard,
            recent * 0.02 + (1.0 - recent) * partial,
        );
        let n = self.profile.noise;
        (heard * (1.0 - n) + n / 3.0, partial * (1.0 - n) + n / 3.0)
    }

    /// The chance of each outcome of `id` after `prev` by taste alone: (heard, partial).
    fn taste_chances(&self, id: TrackId, prev: Option<TrackId>) -> (f64, f64) {
        let i = id as usize;
        if let Some(Some(pred)) = self.predecessor.get(i) {
            if prev == Some(*pred) {
                (0.95, 0.03)
            } else {
                (0.03, 0.05)
            }
        } else if self.jumps_from(id, prev) {
            (0.03, 0.07)
        } else {
            match self.affinity.get(i) {
                Some(Affinity::Love) => (0.92, 0.05),
                Some(Affinity::Half) => (0.1, 0.8),
                _ => (0.03, 0.07),
            }
        }
    }

    /// True when a listener with a taste for flow hears `id` after `prev` as a jump: moods
    /// more than one step apart on the circle.
    fn jumps_from(&self, id: TrackId, prev: Option<TrackId>) -> bool {
        let moods = self.profile.moods;
        let Some(prev) = prev.filter(|_| self.profile.flow && moods > 0) else {
            return false;
        };
        let d = (mood_of(id, moods) + moods - mood_of(prev, moods)) % moods;
        d.min(moods - d) > 1
    }

    /// Listens to `id` (after `prev`) as play number `at`; returns the answer and the seconds heard.
    pub(crate) fn listen(
        &mut self,
        id: TrackId,
        prev: Option<TrackId>,
        at: usize,
    ) -> (Outcome, f64) {
        if self.profile.change_at == Some(at) {
            let mut rng = Rng::new(self.profile.seed ^ 0xc4a9);
            self.draw_tastes(&mut rng, 3);
        }
        let (heard, partial) = self.chances(id, prev, at);
        let r = self.rng.next_f64();
        let u = self.rng.next_f64();
        let outcome = if r < heard {
            Outcome::Heard
        } else if r < heard + partial {
            Outcome::Partial
        } else {
            Outcome::Skipped
        };
        let fraction = match outcome {
            Outcome::Heard => 0.5 + 0.5 * u,
            Outcome::Partial => 0.12 + 0.18 * u,
            Outcome::Skipped => 0.08 * u,
        };
        if let Some(slot) = self.last.get_mut(id as usize) {
            *slot = Some(at);
        }
        (outcome, fraction * DURATION)
    }
}

/// The oracle: a track with the best expected answer (heard 1, partial 0.5), ties at random.
pub(crate) fn oracle_pick(
    l: &Listener,
    prev: Option<TrackId>,
    at: usize,
    rng: &mut Rng,
) -> TrackId {
    let mut best = (f64::MIN, 0u32, 1);
    for id in 1..=l.profile.tracks {
        let (heard, partial) = l.chances(id, prev, at);
        let value = heard + 0.5 * partial;
        if value > best.0 + 1e-12 {
            best = (value, 1, id);
        } else if (value - best.0).abs() <= 1e-12 {
            best.1 += 1;
            if rng.below(best.1 as usize) == 0 {
                best.2 = id;
            }
        }
    }
    best.2
}
