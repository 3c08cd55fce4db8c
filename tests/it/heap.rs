//! The heap a test's own thread holds, counted by the test binary's allocator: a test reads the live bytes
//! before a run and the peak during it, so a long run's memory has a bound that fails the test when it grows
//! (other tests' threads, running at the same time, are not counted).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting what each thread allocates and frees.
struct Counting;

#[global_allocator]
static COUNTING: Counting = Counting;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
    static PEAK_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn count(delta_bytes: isize) {
    let _ = LIVE_BYTES.try_with(|live| {
        let now = live.get() + delta_bytes;
        live.set(now);
        let _ = PEAK_BYTES.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed to the system allocator unchanged; only the counts are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_ptr = System.realloc(ptr, layout, new_size);
        if !new_ptr.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new_ptr
    }
}

/// Starts a measure on this thread: the peak is set to the bytes live now, which are returned.
pub fn start() -> isize {
    let live = LIVE_BYTES.with(Cell::get);
    PEAK_BYTES.with(|peak| peak.set(live));
    live
}

/// The most bytes this thread held at once since `start`, above what it held then, in MiB.
pub fn peak_mib_since(base: isize) -> f64 {
    (PEAK_BYTES.with(Cell::get) - base).max(0) as f64 / 1_048_576.0
}

/// Sets the peak back to the bytes live now (what a test allocated for its own checks is not the run's).
pub fn forget_peak() {
    start();
}

/// The bytes this thread holds now, above what it held at `start`, in MiB.
pub fn live_mib_since(base: isize) -> f64 {
    (LIVE_BYTES.with(Cell::get) - base).max(0) as f64 / 1_048_576.0
}
