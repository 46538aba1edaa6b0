//! 100 000 seeded random calls mixing valid and invalid arguments; afterwards the module must
//! still answer correctly. A failure prints the seed and step, and replays exactly.
#![cfg(target_arch = "wasm32")]
// Tests assert by unwrapping; clippy does not see `#[wasm_bindgen_test]` functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "wasm/common.rs"]
mod common;

use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use memory_player::model::Rng;
use memory_player::wasm::Orchestrator;

const SEED: u64 = 0x5EED_F00D;
const CALLS: usize = 100_000;
const TRACKS: f64 = 40.0;

/// A track id argument: usually valid, sometimes one of many kinds of garbage.
fn id(rng: &mut Rng, allow_start: bool) -> JsValue {
    match rng.below(20) {
        0 => n(f64::NAN),
        1 => n(-3.0),
        2 => n(2.5),
        3 => n(4_294_967_296.0),
        4 => JsValue::from_str("12"),
        5 => JsValue::UNDEFINED,
        6 => JsValue::bigint_from_str("3"),
        7 if !allow_start => n(0.0),
        7 => n(4_294_967_295.0),
        _ => n((rng.below(TRACKS as usize) + usize::from(!allow_start)) as f64),
    }
}

fn amount(rng: &mut Rng) -> JsValue {
    match rng.below(12) {
        0 => n(f64::NAN),
        1 => n(-1.0),
        2 => n(f64::INFINITY),
        3 => JsValue::NULL,
        4 => JsValue::UNDEFINED,
        _ => n(rng.next_f64() * 5.0),
    }
}

/// Runs the sequence; returns how many calls threw.
async fn run(o: &Orchestrator, seed: u64) -> usize {
    let mut rng = Rng::new(seed);
    let mut thrown = 0;
    for step in 0..CALLS {
        let ok = match rng.below(16) {
            0 => o.learn(id(&mut rng, true), id(&mut rng, false)).is_ok(),
            1 | 2 => o
                .feedback(
                    id(&mut rng, true),
                    id(&mut rng, false),
                    amount(&mut rng),
                    amount(&mut rng),
                )
                .is_ok(),
            3..=5 => {
                o.play_next().unwrap();
                true
            }
            6 => {
                o.play_back().unwrap();
                true
            }
            7 => o
                .base_graph()
                .unwrap()
                .reinforce(id(&mut rng, true), id(&mut rng, false), amount(&mut rng))
                .is_ok(),
            8 => o
                .base_graph()
                .unwrap()
                .penalty(id(&mut rng, true), id(&mut rng, false), amount(&mut rng))
                .is_ok(),
            9 => o
                .runtime_graph()
                .unwrap()
                .add_cooldown(id(&mut rng, true), id(&mut rng, false), amount(&mut rng))
                .is_ok(),
            10 => o
                .runtime_graph()
                .unwrap()
                .probabilities(id(&mut rng, true))
                .is_ok(),
            11 => o.explain_next(n(rng.below(60) as f64)).is_ok(),
            12 if rng.below(50) == 0 => o.forget_track(id(&mut rng, false)).is_ok(),
            13 if rng.below(20) == 0 => {
                let reason = if rng.below(2) == 0 {
                    JsValue::from_str("fuzz")
                } else {
                    n(1.0)
                };
                o.rebuild_runtime(reason).is_ok()
            }
            14 if rng.below(100) == 0 => {
                if o.running().unwrap() {
                    let _ = o.stop().unwrap();
                } else {
                    o.start().unwrap();
                }
                true
            }
            _ => o.base_graph().unwrap().edges(id(&mut rng, true)).is_ok(),
        };
        thrown += usize::from(!ok);
        if step % 2_000 == 0 {
            // Let the managers run on the real executor now and then.
            sleep(0.0).await;
        }
    }
    thrown
}

/// Everything the engine answers must still be consistent.
fn check(o: &Orchestrator) {
    // Fold everything into the base so that every track the engine knows is listed by ids().
    o.rebuild_runtime(JsValue::from_str("check")).unwrap();
    let rt = o.runtime_graph().unwrap();
    for from in 0..=TRACKS as u32 {
        let p = rt.probabilities(n(f64::from(from))).unwrap();
        if p.size() > 0 {
            let total = map_sum(&p);
            assert!(
                (total - 1.0).abs() < 1e-9,
                "seed {SEED:#x}: row {from} sums to {total}"
            );
        }
        o.base_graph()
            .unwrap()
            .edges(n(f64::from(from)))
            .unwrap()
            .for_each(&mut |w, _| {
                let w = w.as_f64().unwrap();
                assert!(w.is_finite() && w >= 0.0, "seed {SEED:#x}: weight {w}");
            });
    }
    let known: Vec<u32> = o
        .base_graph()
        .unwrap()
        .ids()
        .unwrap()
        .iter()
        .map(|v| as_u32(&v))
        .collect();
    for _ in 0..20 {
        match o.play_next().unwrap() {
            Some(id) => assert!(
                known.contains(&id),
                "seed {SEED:#x}: picked unknown track {id}"
            ),
            None => assert!(
                known.is_empty(),
                "seed {SEED:#x}: nothing played although tracks are known"
            ),
        }
    }
}

#[wasm_bindgen_test]
async fn a_hundred_thousand_random_calls_leave_the_module_answering() {
    let a = seeded(1.0);
    let b = seeded(1.0);
    let thrown = run(&a, SEED).await;
    assert!(
        thrown > 10_000,
        "the sequence must exercise errors, threw only {thrown}"
    );
    JsFuture::from(a.stop().unwrap()).await.unwrap();
    check(&a);
    // The same seed replays exactly: the same number of errors and the same picks after.
    let again = run(&b, SEED).await;
    JsFuture::from(b.stop().unwrap()).await.unwrap();
    check(&b);
    assert_eq!(thrown, again);
    let pa: Vec<_> = (0..30).map(|_| a.play_next().unwrap()).collect();
    let pb: Vec<_> = (0..30).map(|_| b.play_next().unwrap()).collect();
    assert_eq!(pa, pb, "seed {SEED:#x}: replay diverged");
    // And a fresh orchestrator in the same module still works.
    let fresh = seeded(2.0);
    catalogue(&fresh, 5);
    assert!(fresh.play_next().unwrap().is_some());
}
