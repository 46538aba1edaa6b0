//! The global allocator of the wasm build: Rust's own (dlmalloc), except that the wasm memory
//! grows in steps of an eighth of its size instead of a page or two at a time.
//!
//! dlmalloc asks for more memory a few pages at a time, and in V8 every `memory.grow` costs a
//! new `ArrayBuffer` for the memory and a report of external memory that sets off garbage
//! collections: loading 5 million edges grew the memory some thousands of times and spent
//! two thirds of its time there. Here, whenever the memory has just grown, an eighth of it more
//! is taken at once and handed straight back: dlmalloc keeps it as free space at its top and
//! serves the next allocations from it, so the memory grows a few dozen times instead, like a
//! `Vec` doubling (by at most an eighth more than is used, and it never shrinks anyway).

use std::alloc::{GlobalAlloc, Layout, System};

use core::arch::wasm32::memory_size;

const PAGE: usize = 65536;

/// [`System`], growing the memory geometrically.
struct Geometric;

#[global_allocator]
static ALLOCATOR: Geometric = Geometric;

impl Geometric {
    /// If the memory grew since `pages` (its size before an allocation), takes an eighth of it
    /// more and frees it at once: free space at dlmalloc's top for what comes next.
    fn reserve_after(pages: usize) {
        let now = memory_size(0);
        if now == pages {
            return;
        }
        let Ok(layout) = Layout::from_size_align(now.saturating_mul(PAGE / 8), 8) else {
            return;
        };
        // SAFETY: a layout of non-zero size; the block is freed with the layout it was
        // allocated with, and only when the allocation succeeded.
        unsafe {
            let block = System.alloc(layout);
            if !block.is_null() {
                System.dealloc(block, layout);
            }
        }
    }
}

// SAFETY: every call is forwarded to `System` with the caller's own arguments, which meet
// `System`'s requirements since they meet `GlobalAlloc`'s; the reservation in between
// allocates and frees a block of its own.
unsafe impl GlobalAlloc for Geometric {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pages = memory_size(0);
        // SAFETY: forwarded as is (see the impl).
        let ptr = unsafe { System.alloc(layout) };
        Self::reserve_after(pages);
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pages = memory_size(0);
        // SAFETY: forwarded as is (see the impl).
        let ptr = unsafe { System.alloc_zeroed(layout) };
        Self::reserve_after(pages);
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is (see the impl).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let pages = memory_size(0);
        // SAFETY: forwarded as is (see the impl).
        let ptr = unsafe { System.realloc(ptr, layout, new_size) };
        Self::reserve_after(pages);
        ptr
    }
}
