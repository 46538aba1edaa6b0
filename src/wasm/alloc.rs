//! The global allocator of the wasm build: talc, an allocator made for wasm, instead of Rust's
//! default (dlmalloc), with a source of memory that grows the wasm memory a quarter at a time.
//!
//! Measured on this crate: the module is 2.2 KB smaller gzipped (`scripts/build.sh`), and
//! building a graph of 5 million edges (`node bench/run.mjs --child=memory --impl=wasm
//! --size=100000`) took 13 s instead of 17 s and 17.4 bytes of wasm memory per edge instead of
//! 18.7.
//!
//! Why not talc's own source, which grows the memory by what the allocation in hand needs:
//! in V8 every `memory.grow` replaces the memory's `ArrayBuffer` and reports external memory,
//! which can set off a garbage collection that marks the page's whole JS heap. Growing page by
//! page, a 100 000-track catalogue (5.1 million edges, 90 MB) took some 1 400 grows: 1.7-4 s to
//! load with `reinforceMany` in an empty Node process, but 149-275 s beside a 700 MB JS heap. A
//! quarter at a time it takes about twenty: 0.6-0.7 s, and 2.2 s beside that heap (an eighth at
//! a time: 4 s; `bench/heap-load.mjs` repeats it). The test `wasm_memory_grows_in_few_large_steps`
//! counts the grows (605 page by page for its 39 MiB). At most a quarter of the memory is unused, and pages never written
//! cost address space, not memory; the benchmark's bytes per edge went from 17.4-18.0 to
//! 18.0-20.6.

use core::alloc::Layout;
use core::arch::wasm32::{memory_grow, memory_size};
use core::ptr::NonNull;

use talc::base::binning::Binning;
use talc::base::Talc;
use talc::cell::TalcSyncCell;
use talc::source::Source;
use talc::wasm::WasmBinning;

#[global_allocator]
static ALLOCATOR: TalcSyncCell<Growing, WasmBinning> =
    TalcSyncCell::new_wasm(Growing { end: None });

/// A wasm page.
const PAGE: usize = 64 * 1024;

/// The least a grow adds: 16 pages (1 MiB).
const LEAST_PAGES: usize = 16;

/// Bytes a grow adds beyond an allocation's size and alignment, for talc's bookkeeping: its
/// chunk tag and the heap's ends take a few of its 16-byte units; this leaves room to spare.
const OVERHEAD: usize = 256;

/// Grows the wasm memory when talc runs out, by a quarter of its size (at least
/// [`LEAST_PAGES`], and at least what the allocation needs), and extends talc's heap when the
/// new pages follow it, as they do unless something else grew the memory.
#[derive(Debug)]
struct Growing {
    /// The end of talc's heap, once it has one.
    end: Option<NonNull<u8>>,
}

// SAFETY: `acquire` allocates nothing (no Rust allocation, no formatting) and touches talc only
// through the reference it is given; the pages it hands over were just grown, so nothing else
// owns them.
unsafe impl Source for Growing {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        // What the allocation needs, with its alignment and talc's bookkeeping.
        let needed = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(OVERHEAD)
            .div_ceil(PAGE);
        let wanted = needed.max(memory_size::<0>() / 4).max(LEAST_PAGES);
        // Near the memory's limit a quarter may not fit where the allocation still does.
        let (old_pages, pages) = match memory_grow::<0>(wanted) {
            usize::MAX => match memory_grow::<0>(needed) {
                usize::MAX => return Err(()),
                old => (old, needed),
            },
            old => (old, wanted),
        };
        let base = old_pages.saturating_mul(PAGE) as *mut u8;
        let bytes = pages.saturating_mul(PAGE);
        let new_end = (base as usize).saturating_add(bytes) as *mut u8;
        if let Some(end) = talc.source.end.take() {
            if end.as_ptr() == base {
                // SAFETY: `end` is the end of talc's heap and the memory from it to `new_end`
                // was just grown: talc's heap takes it in.
                talc.source.end = Some(unsafe { talc.extend(end, new_end) });
                return Ok(());
            }
        }
        // SAFETY: the `bytes` from `base` were just grown and belong to no one.
        talc.source.end = unsafe { talc.claim(base, bytes) };
        Ok(())
    }
}
