//! Simulated listeners with hidden tastes, and sessions of each policy against them.
//!
//! Shared by `benches/learning.rs` (the whole population, `npm run bench:learning`) and
//! `tests/learning.rs` (the small catalogues, checked in `cargo test`). A listener answers each
//! play by its hidden tastes: moods (or single tracks) it loves, half-likes or dislikes, with
//! exceptions; an intolerance of hearing a track again within `tolerance` plays; sometimes
//! noise; sometimes a change of taste half-way; sometimes ordered sequences (albums) it hears
//! out only in order. Every session is seeded: the same profile gives the same figures.

#![allow(dead_code)]

use futures::executor::LocalPool;
use memory_player::engine::{ManualClock, Options, Orchestrator, Policy};
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
    pub(crate) name: &'static str,
    pub(crate) tracks: u32,
    /// Moods in the catalogue (tastes by mood), or 0 for tastes per track.
    pub(crate) moods: u32,
    /// A track heard again within this many plays is skipped.
    pub(crate) tolerance: u64,
    /// The chance that an answer is replaced by a random one.
    pub(crate) noise: f64,
    /// Tastes change after this many plays.
    pub(crate) change_at: Option<usize>,
    /// Ordered sequences of 5 tracks heard out only in order (and skipped out of order).
    pub(crate) sequences: u32,
    pub(crate) plays: usize,
    pub(crate) loading: Loading,
    pub(crate) seed: u64,
}

/// What a listener thinks of a track.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Affinity {
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

const DURATION: f64 = 200.0;

struct Listener {
    profile: Profile,
    affinity: Vec<Affinity>,
    /// Per track: its predecessor in a sequence (it is heard out only right after it).
    predecessor: Vec<Option<TrackId>>,
    /// Per track: the play index it was last heard at.
    last: Vec<Option<usize>>,
    rng: Rng,
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
    fn new(profile: &Profile) -> Self {
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
            } else {
                // Moods 0 and 1 loved, mood 2 half-liked, the rest disliked; 10 % exceptions.
                let mood = (id.wrapping_mul(2_654_435_761) >> 7) % p.moods;
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
        let recent = self
            .last
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|last| (at - last) as u64 <= self.profile.tolerance);
        let (heard, partial) = if recent {
            (0.03, 0.02)
        } else if let Some(Some(pred)) = self.predecessor.get(i) {
            if prev == Some(*pred) {
                (0.95, 0.03)
            } else {
                (0.03, 0.05)
            }
        } else {
            match self.affinity.get(i) {
                Some(Affinity::Love) => (0.92, 0.05),
                Some(Affinity::Half) => (0.1, 0.8),
                _ => (0.03, 0.07),
            }
        };
        let n = self.profile.noise;
        (heard * (1.0 - n) + n / 3.0, partial * (1.0 - n) + n / 3.0)
    }

    /// Listens to `id` (after `prev`) as play number `at`; returns the answer and the seconds heard.
    fn listen(&mut self, id: TrackId, prev: Option<TrackId>, at: usize) -> (Outcome, f64) {
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

/// Who picks the tracks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Picker {
    /// The engine with default options (and a seed).
    Engine(Policy),
    /// A plain shuffle: every track once in random order, then again.
    Shuffle,
    /// Knows the hidden tastes: always a track least likely to be skipped.
    Oracle,
}

impl Picker {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Picker::Engine(Policy::Adaptive) => "adaptive",
            Picker::Engine(Policy::Seed) => "seed",
            Picker::Shuffle => "shuffle",
            Picker::Oracle => "oracle",
        }
    }
}

/// What one session showed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Session {
    /// Skips (heard < 10 %) over the last third of the session.
    pub(crate) late_skip: f64,
    /// Per play, whether it was skipped.
    pub(crate) skips: Vec<bool>,
    /// `playNext` answered nothing although tracks were known.
    pub(crate) stalls: usize,
    /// After a change of taste: the plays until the skip rate over the last 100 plays was
    /// back within 0.05 of its level before the change (`None`: never, or no change).
    pub(crate) recovered_after: Option<usize>,
    /// Late skips of a track heard within the listener's tolerance (the repeat window's share).
    pub(crate) late_recent_skips: f64,
    /// Late plays of a track never heard before (exploration's share).
    pub(crate) late_first_plays: f64,
    /// The engine's repeat window at the end.
    pub(crate) final_window: u64,
}

/// Runs one session of `picker` against the listener of `profile`.
pub(crate) fn run(profile: &Profile, picker: Picker) -> Session {
    let mut listener = Listener::new(profile);
    let n = profile.tracks;
    let mut skips = Vec::with_capacity(profile.plays);
    let mut stalls = 0;
    let mut prev: Option<TrackId> = None;
    let mut rng = Rng::new(profile.seed ^ 0x5407);
    let mut order: Vec<TrackId> = Vec::new();
    let (mut recent_skips, mut first_plays) = (0, 0);
    let mut old_affinity: Vec<Affinity> = Vec::new();
    let mut kinds = [0usize; 40];

    let mut pool = LocalPool::new();
    let engine = match picker {
        Picker::Engine(policy) => {
            let options = Options {
                seed: profile.seed,
                policy,
                ..Options::default()
            };
            let o = Orchestrator::new(options, pool.spawner(), ManualClock::new(0.0))
                .unwrap_or_else(|e| panic!("options: {e}"));
            load(&o, profile);
            o.rebuild_runtime("catalogue loaded");
            o.start().unwrap_or_else(|e| panic!("start: {e}"));
            Some(o)
        }
        _ => None,
    };

    for at in 0..profile.plays {
        let id = match (&engine, picker) {
            (Some(o), _) => match o.play_next() {
                Some(id) => id,
                None => {
                    stalls += 1;
                    continue;
                }
            },
            (None, Picker::Oracle) => oracle_pick(&listener, prev, at, &mut rng),
            _ => {
                if order.is_empty() {
                    order = (1..=n).collect();
                    for i in (1..order.len()).rev() {
                        order.swap(i, rng.below(i + 1));
                    }
                }
                order.pop().unwrap_or(1)
            }
        };
        let was_recent = listener.last.get(id as usize).copied().flatten();
        let first = was_recent.is_none();
        let was_recent = was_recent.is_some_and(|l| (at - l) as u64 <= profile.tolerance);
        if profile.change_at == Some(at) {
            old_affinity = listener.affinity.clone();
        }
        let (outcome, heard) = listener.listen(id, prev, at);
        if let (Some(c), Some(_)) = (profile.change_at, std::env::var_os("LEARNING_KINDS")) {
            if at >= c && at < c + 400 && matches!(picker, Picker::Engine(Policy::Adaptive)) {
                let before = old_affinity.get(id as usize).copied();
                let now = listener.affinity.get(id as usize).copied();
                let k = if outcome != Outcome::Skipped {
                    0
                } else if was_recent {
                    1
                } else if first {
                    2
                } else if before == Some(Affinity::Love) {
                    3
                } else {
                    4
                };
                let _ = now;
                if let Some(slot) = kinds.get_mut((at - c) / 50 * 5 + k) {
                    *slot += 1;
                }
            }
        }
        skips.push(outcome == Outcome::Skipped);
        if at >= profile.plays - profile.plays / 3 {
            recent_skips += usize::from(was_recent && outcome == Outcome::Skipped);
            first_plays += usize::from(first);
        }
        if let Some(o) = &engine {
            o.feedback(prev.unwrap_or(0), id, heard, DURATION)
                .unwrap_or_else(|e| panic!("feedback: {e}"));
            pool.run_until_stalled();
        }
        prev = Some(id);
    }
    if let (Some(o), Some(_)) = (&engine, std::env::var_os("LEARNING_GAPS")) {
        if let Some(t) = o.snapshot().taste {
            let gaps: Vec<String> = t
                .gaps
                .iter()
                .zip(memory_player::model::GAP_BOUNDS)
                .map(|(e, b)| {
                    format!(
                        "{b}:{:.1}/{:.1}",
                        e.heard / t.gap_decay,
                        e.skipped / t.gap_decay
                    )
                })
                .collect();
            eprintln!("{} {}: {}", profile.name, picker.name(), gaps.join(" "));
        }
    }
    if profile.change_at.is_some()
        && std::env::var_os("LEARNING_KINDS").is_some()
        && matches!(picker, Picker::Engine(Policy::Adaptive))
    {
        eprintln!("{}: per 50 plays after the change, (not skipped, skipped as too recent, skipped at a first play, skipped old favourite, other skip): {:?}", profile.name, kinds.chunks(5).collect::<Vec<_>>());
    }
    let final_window = engine
        .as_ref()
        .map_or(0, |o| o.explain_next(1).repeat_window);
    if let Some(o) = &engine {
        drop(o.stop());
        pool.run_until_stalled();
    }
    let third = skips.len() - skips.len() * 2 / 3;
    let late = skips.get(skips.len() - third..).unwrap_or_default();
    let late_skip = late.iter().filter(|s| **s).count() as f64 / late.len().max(1) as f64;
    let recovered_after = profile.change_at.and_then(|c| recovery(&skips, c));
    Session {
        late_skip,
        late_recent_skips: recent_skips as f64 / late.len().max(1) as f64,
        late_first_plays: first_plays as f64 / late.len().max(1) as f64,
        final_window,
        skips,
        stalls,
        recovered_after,
    }
}

/// Plays after the change at `c` until the skip rate of the last 100 plays is back within
/// 0.05 of the rate over the third before the change.
fn recovery(skips: &[bool], c: usize) -> Option<usize> {
    let rate = |s: &[bool]| s.iter().filter(|x| **x).count() as f64 / s.len().max(1) as f64;
    let before = rate(skips.get(c - c / 3..c)?);
    (100..=skips.len().saturating_sub(c)).find(|k| {
        skips
            .get(c + k - 100..c + k)
            .is_some_and(|w| rate(w) <= before + 0.05)
    })
}

/// Tells the engine the catalogue as the profile's app would.
fn load(o: &Orchestrator, p: &Profile) {
    let n = p.tracks;
    let mut rng = Rng::new(p.seed ^ 0x10ad);
    let teach = |from, to| {
        o.reinforce_base(from, to, 1.0)
            .unwrap_or_else(|e| panic!("reinforce: {e}"))
    };
    for id in 1..=n {
        teach(0, id);
    }
    match p.loading {
        Loading::StartRow => {}
        Loading::FullMesh => {
            for a in 1..=n {
                for b in (1..=n).filter(|b| *b != a) {
                    teach(a, b);
                }
            }
        }
        Loading::Random(deg) => {
            for a in 1..=n {
                for _ in 0..deg {
                    let b = 1 + rng.below(n as usize) as TrackId;
                    if b != a {
                        teach(a, b);
                    }
                }
            }
        }
        Loading::Albums => {
            for s in 0..p.sequences {
                for k in 0..4 {
                    teach(1 + s * 5 + k, 2 + s * 5 + k);
                }
            }
        }
    }
}

/// The oracle: a track with the best expected answer (heard 1, partial 0.5), ties at random.
fn oracle_pick(l: &Listener, prev: Option<TrackId>, at: usize, rng: &mut Rng) -> TrackId {
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

/// The population: varied on purpose in catalogue size, tolerance, noise, change, sequences,
/// tastes by mood or per track, and how the catalogue is loaded.
pub(crate) fn population() -> Vec<Profile> {
    let p = |name, tracks, moods, tolerance, plays, loading| Profile {
        name,
        tracks,
        moods,
        tolerance,
        noise: 0.0,
        change_at: None,
        sequences: 0,
        plays,
        loading,
        seed: std::env::var("LEARNING_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7),
    };
    vec![
        p(
            "30 tracks, moods, tolerance 3, full mesh",
            30,
            5,
            3,
            600,
            Loading::FullMesh,
        ),
        p(
            "60 tracks, moods, tolerance 4",
            60,
            5,
            4,
            600,
            Loading::StartRow,
        ),
        p(
            "60 tracks, moods, tolerance 12, full mesh",
            60,
            5,
            12,
            600,
            Loading::FullMesh,
        ),
        p(
            "120 tracks, per track, tolerance 15",
            120,
            0,
            15,
            900,
            Loading::Random(10),
        ),
        Profile {
            noise: 0.15,
            ..p(
                "120 tracks, moods, noisy (15 %)",
                120,
                6,
                10,
                900,
                Loading::StartRow,
            )
        },
        Profile {
            change_at: Some(600),
            ..p(
                "120 tracks, moods, taste changes half-way",
                120,
                6,
                8,
                1200,
                Loading::StartRow,
            )
        },
        Profile {
            sequences: 12,
            ..p(
                "200 tracks, albums heard only in order",
                200,
                6,
                10,
                1200,
                Loading::Albums,
            )
        },
        p(
            "300 tracks, moods, tolerance 25",
            300,
            6,
            25,
            1200,
            Loading::Random(50),
        ),
        p(
            "1000 tracks, per track, tolerance 20",
            1000,
            0,
            20,
            1500,
            Loading::StartRow,
        ),
        p(
            "2000 tracks, moods, tolerance 40",
            2000,
            8,
            40,
            2000,
            Loading::Random(50),
        ),
        Profile {
            change_at: Some(1000),
            ..p(
                "1000 tracks, moods, taste changes half-way",
                1000,
                6,
                20,
                2000,
                Loading::StartRow,
            )
        },
        p(
            "10000 tracks, per track, tolerance 50",
            10_000,
            0,
            50,
            3000,
            Loading::StartRow,
        ),
    ]
}
