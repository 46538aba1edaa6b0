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
    let (mut sum, mut half_ok, mut stalls, mut recovery_ok) = (0.0, true, 0, true);
    let mut recoveries = Vec::new();
    for (i, (p, s)) in rows.iter().enumerate() {
        let [a, seed, shuffle, oracle] = s.as_slice() else {
            continue;
        };
        sum += a.late_skip;
        half_ok &= a.late_skip <= shuffle.late_skip / 2.0;
        stalls += a.stalls;
        let recovered = match (p.change_at, a.recovered_after) {
            (None, _) => "".to_string(),
            (Some(_), Some(k)) => {
                recovery_ok &= k <= 300;
                recoveries.push(format!("{} tracks: {k} plays", p.tracks));
                format!("{k} plays")
            }
            (Some(_), None) => {
                recovery_ok = false;
                recoveries.push(format!("{} tracks: never", p.tracks));
                "never".to_string()
            }
        };
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
            if i + 1 < rows.len() { "," } else { "" }
        );
    }
    let mean = sum / rows.len() as f64;
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
        "| back within 0.05 of the level before a change within 300 plays | {} | {} |",
        recoveries.join(", "),
        yes(recovery_ok)
    );
    println!("| stalls | {stalls} | {} |", yes(stalls == 0));
    let _ = write!(
        json,
        "  ],\n  \"meanAdaptive\": {mean:.4},\n  \"everyBelowHalfShuffle\": {half_ok},\n  \"recoveredWithin300\": {recovery_ok},\n  \"stalls\": {stalls}\n}}\n"
    );
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
