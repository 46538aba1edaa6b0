//! Native benchmarks of the core's hot paths (`cargo bench`): medians of several runs, each a
//! batch of calls, on a synthetic graph made with a fixed seed.

// A benchmark fails loudly on a broken setup; inputs here are fixed, not user data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Instant;

use futures::executor::LocalPool;
use memory_player::engine::{ManualClock, Options, Orchestrator, Policy};
use memory_player::model::Rng;

const RUNS: usize = 7;

/// Median nanoseconds per call of `f` over `RUNS` batches of `calls`.
fn measure(calls: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut runs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for i in 0..calls {
                f(i);
            }
            start.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[RUNS / 2]
}

fn graph(tracks: u32, successors: u32, policy: Policy) -> Orchestrator {
    let o = Orchestrator::new(
        Options {
            seed: 1,
            policy,
            ..Options::default()
        },
        LocalPool::new().spawner(),
        ManualClock::new(0.0),
    )
    .expect("default options are valid");
    let mut rng = Rng::new(7);
    for from in 1..=tracks {
        o.reinforce_base(0, from, 1.0).expect("valid edge");
        for _ in 0..successors {
            let to = 1 + rng.below(tracks as usize) as u32;
            o.reinforce_base(from, to, 1.0 + rng.below(10) as f64)
                .expect("valid edge");
        }
    }
    o.rebuild_runtime("built");
    o
}

/// 3 000 answered plays, so the adaptive policy has evidence, rings and a window; a rebuild
/// every 50 lessons, as the diff manager would.
fn listen(o: &Orchestrator) {
    let mut prev = 0;
    for k in 0..3000 {
        let id = o.play_next().unwrap();
        drop(o.feedback(prev, id, [150.0, 40.0, 5.0][k % 3], 200.0));
        prev = id;
        if k % 50 == 49 {
            o.rebuild_runtime("bench");
        }
    }
    o.rebuild_runtime("bench");
}

/// `BENCH_PICKS=seed|adaptive`: only picks after 3 000 answered plays (for a profiler).
fn picks_only(policy: Policy, tracks: u32) {
    let o = graph(tracks, 50, policy);
    listen(&o);
    println!(
        "  play_next ({policy:?}) {:>10.0} ns",
        measure(20_000, |_| {
            black_box(o.play_next());
        })
    );
}

fn main() {
    if std::env::var("BENCH_PILE").is_ok() {
        pile_up(10_000);
        return;
    }
    if std::env::var("BENCH_MANY").is_ok() {
        many(10_000);
        return;
    }
    if let Ok(which) = std::env::var("BENCH_PICKS") {
        let policy = if which == "seed" {
            Policy::Seed
        } else {
            Policy::Adaptive
        };
        picks_only(policy, 10_000);
        return;
    }
    // BENCH_SIZES=1000,10000 runs fewer sizes (e.g. under a profiler).
    let sizes: Vec<u32> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for tracks in sizes {
        bench_size(tracks);
    }
}

/// `BENCH_PILE=1`: only lessons piling up in one build (managers stopped), as the JS bench's
/// `feedbackPileUp` does them: 65 536 random edges the base has, taken in turn by 100 000
/// feedback calls (heard / partly heard / skipped in turn), each run in a fresh build; the
/// first run is a warm-up, the median of the next five is printed (for a profiler).
fn pile_up(tracks: u32) {
    let o = graph(tracks, 50, Policy::Seed);
    let base = o.base_graph();
    let rows: Vec<Vec<u32>> = base
        .rows()
        .filter(|(from, _)| *from != 0)
        .map(|(_, row)| row.iter().map(|(to, _)| to).collect())
        .collect();
    let mut rng = Rng::new(3);
    let picks: Vec<(u32, u32)> = (0..1 << 16)
        .map(|_| {
            let from = rng.below(rows.len());
            (from as u32 + 1, rows[from][rng.below(rows[from].len())])
        })
        .collect();
    let mut runs: Vec<f64> = (0..6)
        .map(|_| {
            o.rebuild_runtime("bench: start clean");
            let start = Instant::now();
            for i in 0..100_000 {
                let (from, to) = picks[i & 0xffff];
                drop(o.feedback(from, to, [200.0, 60.0, 10.0][i % 3], 200.0));
            }
            start.elapsed().as_nanos() as f64 / 100_000.0
        })
        .skip(1)
        .collect();
    runs.sort_by(f64::total_cmp);
    println!("  feedback, 100 000 piling up {:>10.0} ns", runs[2]);
}

/// `BENCH_MANY=1`: only `reinforce_base_many` of `tracks` x 50 random edges into a fresh
/// engine, and the first rebuild (for a profiler).
fn many(tracks: u32) {
    let o = Orchestrator::new(
        Options::default(),
        LocalPool::new().spawner(),
        ManualClock::new(0.0),
    )
    .expect("default options are valid");
    let mut rng = Rng::new(7);
    let edges: Vec<(u32, u32, f64)> = (1..=tracks)
        .flat_map(|from| (0..50).map(move |_| from))
        .map(|from| {
            (
                from,
                1 + rng.below(tracks as usize) as u32,
                1.0 + rng.below(20) as f64,
            )
        })
        .collect();
    let start = Instant::now();
    o.reinforce_base_many(&edges).expect("valid edges");
    o.rebuild_runtime("loaded");
    let ms = start.elapsed().as_secs_f64() * 1e3;
    println!("  reinforce_base_many, {} edges {ms:>10.1} ms", edges.len());
}

/// Every measurement at one catalogue size: picks under both policies, then lessons.
fn bench_size(tracks: u32) {
    let seed = graph(tracks, 50, Policy::Seed);
    println!(
        "  play_next, seed    {:>10.0} ns",
        measure(20_000, |_| {
            black_box(seed.play_next());
        })
    );
    drop(seed);
    let o = graph(tracks, 50, Policy::Adaptive);
    let edges = o.base_graph().edge_count();
    println!("{tracks} tracks x 50 ({edges} edges), adaptive unless said");
    println!(
        "  play_next          {:>10.0} ns",
        measure(20_000, |_| {
            black_box(o.play_next());
        })
    );
    listen(&o);
    println!(
        "  play_next, learned {:>10.0} ns",
        measure(20_000, |_| {
            black_box(o.play_next());
        })
    );
    println!(
        "  explain_next(50)   {:>10.0} ns",
        measure(200, |_| {
            black_box(o.explain_next(50));
        })
    );
    bench_lessons(&o, tracks);
}

/// Lessons, probabilities and rebuilds on the adaptive engine `o` after its picks.
fn bench_lessons(o: &Orchestrator, tracks: u32) {
    println!(
        "  learn              {:>10.0} ns",
        measure(20_000, |i| drop(
            o.learn(1 + (i as u32 % tracks), 1 + (i as u32 * 7 % tracks))
        ))
    );
    o.rebuild_runtime("reset");
    println!(
        "  feedback           {:>10.0} ns",
        measure(20_000, |i| drop(o.feedback(
            1 + (i as u32 % tracks),
            1 + (i as u32 * 7 % tracks),
            50.0,
            100.0
        )))
    );
    o.rebuild_runtime("reset");
    let build = o.runtime_graph();
    println!(
        "  probabilities      {:>10.0} ns",
        measure(20_000, |i| drop(black_box(
            build.borrow().probabilities(1 + (i as u32 % tracks))
        )))
    );
    println!(
        "  rebuild after 50   {:>10.0} ns",
        measure(20, |i| {
            for k in 0..50u32 {
                drop(o.learn(1 + (k * 13 + i as u32) % tracks, 1 + (k * 31) % tracks));
            }
            o.rebuild_runtime("bench");
        })
    );
}
