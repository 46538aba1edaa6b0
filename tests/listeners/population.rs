//! The population of listeners, and how each one's app tells the engine its catalogue.

use memory_player::engine::Orchestrator;
use memory_player::model::{Rng, TrackId};

use super::{Loading, Profile};

/// Tells the engine the catalogue as the profile's app would.
pub(crate) fn load(o: &Orchestrator, p: &Profile) {
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

/// The population: varied on purpose in catalogue size, tolerance, noise, change, sequences,
/// tastes by mood, per track or for flow between moods, and how the catalogue is loaded.
pub(crate) fn population() -> Vec<Profile> {
    let p = |name: &str, tracks, moods, tolerance, plays, loading| Profile {
        name: name.to_owned(),
        tracks,
        moods,
        tolerance,
        fading: false,
        noise: 0.0,
        change_at: None,
        sequences: 0,
        flow: false,
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
        Profile {
            flow: true,
            ..p(
                "600 tracks, a taste for flow between 12 moods",
                600,
                12,
                15,
                2400,
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
