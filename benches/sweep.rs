//! `npm run bench:sweep` (`cargo bench --bench sweep`): the listener model of `tests/listeners`
//! over a grid of its settings rather than the tuned population of `bench:learning`, so that
//! a setting the policy was never tried on shows: catalogues of 40 to 4 000 tracks, tastes per
//! track or by 4 or 10 moods, a tolerance of replays of 3, 15 or 45 plays that is strict or
//! fades (`e^(-gap / τ)`, τ = 8, 20 or 40), noise, and a change of taste half-way. Each
//! setting runs over a few seeds (`SWEEP_SEEDS`, 3 by default) against a plain shuffle and the
//! oracle; `SWEEP_ONLY=text` keeps the settings whose name holds it. Prints a table and, per
//! kind of tolerance, the mean late skip, how many settings are over half the shuffle's and
//! how many are within 0.05 of the oracle.

#[path = "../tests/listeners/mod.rs"]
mod listeners;

use listeners::{run, Loading, Picker, Profile};
use memory_player::engine::Policy;

/// One setting of the grid, before its seeds.
struct Setting {
    tracks: u32,
    moods: u32,
    tolerance: u64,
    fading: bool,
    noise: f64,
    change: bool,
}

impl Setting {
    fn name(&self) -> String {
        let taste = match self.moods {
            0 => "per track".to_string(),
            m => format!("{m} moods"),
        };
        let tolerance = if self.fading {
            format!("fading τ {}", self.tolerance)
        } else {
            format!("strict {}", self.tolerance)
        };
        let mut name = format!("{} tracks, {taste}, {tolerance}", self.tracks);
        if self.noise > 0.0 {
            name.push_str(&format!(", noise {}", self.noise));
        }
        if self.change {
            name.push_str(", change");
        }
        name
    }

    fn profile(&self, name: &str, seed: u64) -> Profile {
        let plays = (self.tracks as usize * 2).clamp(600, 3_000);
        Profile {
            name: name.to_owned(),
            tracks: self.tracks,
            moods: self.moods,
            tolerance: self.tolerance,
            fading: self.fading,
            noise: self.noise,
            change_at: self.change.then_some(plays / 2),
            sequences: 0,
            flow: false,
            plays,
            loading: Loading::StartRow,
            seed,
        }
    }
}

/// Every setting: both kinds of tolerance over the same catalogues, tastes and noise.
fn grid() -> Vec<Setting> {
    let mut grid = Vec::new();
    for fading in [false, true] {
        let tolerances: [u64; 3] = if fading { [8, 20, 40] } else { [3, 15, 45] };
        for tracks in [40, 150, 800, 4_000] {
            for moods in [0, 4, 10] {
                for tolerance in tolerances {
                    for (noise, change) in [(0.0, false), (0.0, true), (0.2, false)] {
                        grid.push(Setting {
                            tracks,
                            moods,
                            tolerance,
                            fading,
                            noise,
                            change,
                        });
                    }
                }
            }
        }
    }
    grid
}

/// One kind of tolerance's settings, summed.
#[derive(Clone, Copy, Default)]
struct Totals {
    settings: usize,
    /// The sum of the adaptive policy's late skip rates.
    late_skip: f64,
    /// Settings over half the shuffle's rate.
    over: usize,
    /// Settings within 0.05 of the oracle's rate.
    near: usize,
}

fn main() {
    let seeds: u64 = std::env::var("SWEEP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let only = std::env::var("SWEEP_ONLY").unwrap_or_default();
    println!("Late skip rate over the last third of each session, mean over seeds 1-{seeds}; command: npm run bench:sweep\n");
    println!("| setting | adaptive (default) | shuffle | oracle | over half the shuffle's |");
    println!("|---|---|---|---|---|");
    // Per kind of tolerance: strict, fading.
    let mut totals = [Totals::default(); 2];
    for setting in grid() {
        let name = setting.name();
        if !name.contains(&only) {
            continue;
        }
        let mut sums = [0.0; 3];
        for seed in 1..=seeds {
            let p = setting.profile(&name, seed);
            let pickers = [
                Picker::Engine(Policy::Adaptive),
                Picker::Shuffle,
                Picker::Oracle,
            ];
            for (sum, picker) in sums.iter_mut().zip(pickers) {
                *sum += run(&p, picker).late_skip;
            }
        }
        let [adaptive, shuffle, oracle] = sums.map(|s| s / seeds.max(1) as f64);
        let over = adaptive > shuffle / 2.0;
        let near = adaptive - oracle <= 0.05;
        if let Some(t) = totals.get_mut(usize::from(setting.fading)) {
            t.settings += 1;
            t.late_skip += adaptive;
            t.over += usize::from(over);
            t.near += usize::from(near);
        }
        println!(
            "| {name} | {adaptive:.3} | {shuffle:.3} | {oracle:.3} | {} |",
            if over { "**yes**" } else { "" }
        );
    }
    println!();
    for (kind, t) in ["strict", "fading"].iter().zip(totals) {
        if t.settings > 0 {
            println!(
                "{kind} tolerances: mean adaptive late skip {:.3} over {} settings; over half the shuffle's in {}; within 0.05 of the oracle in {}",
                t.late_skip / t.settings as f64,
                t.settings,
                t.over,
                t.near
            );
        }
    }
}
