//! `npm run bench:learning` (`cargo bench --bench learning`): every simulated listener of
//! `tests/listeners` against the adaptive policy, the seed rules, a plain shuffle and an oracle
//! that knows the hidden tastes. Prints a table and the targets, writes
//! `bench/learning-results.json`.

#[path = "../tests/listeners/mod.rs"]
mod listeners;

use std::fmt::Write as _;
use std::time::Instant;

use listeners::{population, run, Picker, Session};
use memory_player::engine::Policy;

const PICKERS: [Picker; 4] = [
    Picker::Engine(Policy::Adaptive),
    Picker::Engine(Policy::Seed),
    Picker::Shuffle,
    Picker::Oracle,
];

/// The seeds each listener with a change of taste runs over for the recovery target: one
/// session's recovery moves by a hundred plays from one seed to the next.
const RECOVERY_SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

/// The targets over the whole population, as the rows are printed.
#[derive(Default)]
struct Tally {
    sum: f64,
    half_ok: bool,
    stalls: usize,
    recovery_ok: bool,
    recoveries: Vec<String>,
    recovery_json: Vec<String>,
}

fn main() {
    let started = Instant::now();
    let profiles = population();
    let mut rows: Vec<(listeners::Profile, Vec<Session>)> = Vec::new();
    for p in &profiles {
        let sessions = PICKERS.iter().map(|k| run(p, *k)).collect();
        rows.push((p.clone(), sessions));
    }

    println!("Late skip rate (skips over the last third of each session), seeded; command: npm run bench:learning\n");
    println!("| listener | plays | adaptive (default) | seed rules | shuffle | oracle | recovered after a change |");
    println!("|---|---|---|---|---|---|---|");
    let mut json = String::from("{\n  \"listeners\": [\n");
    let mut tally = Tally {
        half_ok: true,
        recovery_ok: true,
        ..Tally::default()
    };
    for (i, (p, s)) in rows.iter().enumerate() {
        let [a, seed, shuffle, oracle] = s.as_slice() else {
            continue;
        };
        tally.sum += a.late_skip;
        tally.half_ok &= a.late_skip <= shuffle.late_skip / 2.0;
        tally.stalls += a.stalls;
        let recovered =
            recoveries(p).map_or_else(String::new, |plays| recovery_cell(p, a, &plays, &mut tally));
        print_diagnostics(p, a);
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
            p.name,
            p.plays,
            a.late_skip,
            seed.late_skip,
            shuffle.late_skip,
            oracle.late_skip,
            recovered
        );
        json_row(&mut json, p, s, i + 1 < rows.len());
    }
    print_targets(&tally, rows.len(), &mut json);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/learning-results.json");
    if let Err(e) = std::fs::write(path, json) {
        eprintln!("could not write {path}: {e}");
    }
    eprintln!(
        "\n{} listeners x {} pickers in {:.1} s",
        rows.len(),
        PICKERS.len(),
        started.elapsed().as_secs_f64()
    );
}

/// One listener's line of the JSON (the sessions of [`PICKERS`], in order).
fn json_row(json: &mut String, p: &listeners::Profile, s: &[Session], more: bool) {
    let [a, seed, shuffle, oracle] = s else {
        return;
    };
    let _ = writeln!(
        json,
        "    {{\"name\": \"{}\", \"tracks\": {}, \"plays\": {}, \"tolerance\": {}, \"noise\": {}, \"adaptive\": {:.4}, \"seed\": {:.4}, \"shuffle\": {:.4}, \"oracle\": {:.4}, \"stalls\": {}, \"recoveredAfter\": {}}}{}",
        p.name,
        p.tracks,
        p.plays,
        p.tolerance,
        p.noise,
        a.late_skip,
        seed.late_skip,
        shuffle.late_skip,
        oracle.late_skip,
        a.stalls,
        a.recovered_after.map_or("null".to_string(), |k| k.to_string()),
        if more { "," } else { "" }
    );
}

/// The plays a listener with a change of taste took to recover in each session of
/// [`RECOVERY_SEEDS`], fewest first (`usize::MAX`: never); `None` without a change.
fn recoveries(p: &listeners::Profile) -> Option<Vec<usize>> {
    p.change_at?;
    let mut plays: Vec<usize> = RECOVERY_SEEDS
        .map(|seed| {
            let seeded = listeners::Profile { seed, ..p.clone() };
            let s = run(&seeded, Picker::Engine(Policy::Adaptive));
            s.recovered_after.unwrap_or(usize::MAX)
        })
        .collect();
    plays.sort_unstable();
    Some(plays)
}

/// Judges the recovery target on the median (the lower of the middle two) of the sessions'
/// recoveries `plays` (sorted), noted in `tally`; returns the table's cell, the seed-7
/// session's recovery.
fn recovery_cell(
    p: &listeners::Profile,
    a: &Session,
    plays: &[usize],
    tally: &mut Tally,
) -> String {
    let median = plays
        .get(plays.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(usize::MAX);
    let within = plays.iter().filter(|k| **k <= 300).count();
    let slowest = plays.last().copied().unwrap_or(usize::MAX);
    let shown = |k: usize, never: &str| {
        if k == usize::MAX {
            never.to_string()
        } else {
            k.to_string()
        }
    };
    tally.recovery_ok &= median <= 300;
    tally.recoveries.push(format!(
        "{} tracks: median {}, {within} of {} within 300, slowest {}",
        p.tracks,
        shown(median, "never"),
        plays.len(),
        shown(slowest, "never")
    ));
    let json: Vec<String> = plays.iter().map(|k| shown(*k, "null")).collect();
    tally
        .recovery_json
        .push(format!("\"{}\": [{}]", p.tracks, json.join(", ")));
    a.recovered_after
        .map_or_else(|| "never".to_string(), |k| format!("{k} plays"))
}

/// `LEARNING_CURVE`: the skip rate per 50 plays around a change; `LEARNING_DEBUG`: the window
/// and the shares of late skips.
fn print_diagnostics(p: &listeners::Profile, a: &Session) {
    if let (Some(c), Some(_)) = (p.change_at, std::env::var_os("LEARNING_CURVE")) {
        let rates: Vec<String> = (0..16)
            .map(|i| {
                let from = c - 200 + i * 50;
                let w = a.skips.get(from..from + 50).unwrap_or_default();
                format!("{:.2}", w.iter().filter(|x| **x).count() as f64 / 50.0)
            })
            .collect();
        eprintln!(
            "{} curve from change-200 by 50: {}",
            p.name,
            rates.join(" ")
        );
    }
    if std::env::var_os("LEARNING_DEBUG").is_some() {
        eprintln!(
            "{}: window {} (tolerance {}), late recent-skips {:.3}, late first plays {:.3}",
            p.name, a.final_window, p.tolerance, a.late_recent_skips, a.late_first_plays
        );
    }
}

/// Prints the targets and closes the JSON.
fn print_targets(tally: &Tally, listeners: usize, json: &mut String) {
    let mean = tally.sum / listeners as f64;
    let (half_ok, recovery_ok, stalls) = (tally.half_ok, tally.recovery_ok, tally.stalls);
    let yes = |b: bool| if b { "yes" } else { "**no**" };
    println!("\n| target | measured | met? |");
    println!("|---|---|---|");
    println!(
        "| mean late skip <= 0.10 | {mean:.3} | {} |",
        yes(mean <= 0.10)
    );
    println!(
        "| every listener <= half the shuffle's rate | | {} |",
        yes(half_ok)
    );
    println!(
        "| back within 0.05 of the level before a change within 300 plays (median of seeds {}-{}) | {} | {} |",
        RECOVERY_SEEDS.start(),
        RECOVERY_SEEDS.end(),
        tally.recoveries.join(", "),
        yes(recovery_ok)
    );
    println!("| stalls | {stalls} | {} |", yes(stalls == 0));
    let _ = write!(
        json,
        "  ],\n  \"meanAdaptive\": {mean:.4},\n  \"everyBelowHalfShuffle\": {half_ok},\n  \"recoveredWithin300\": {recovery_ok},\n  \"recoveryBySeed\": {{{}}},\n  \"stalls\": {stalls}\n}}\n",
        tally.recovery_json.join(", ")
    );
}
