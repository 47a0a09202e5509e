//! The allocator, tuned so that a big workbook's memory goes back to the system as soon as it is
//! freed (Linux with glibc; elsewhere these do nothing). Peak memory is a target (README,
//! Performance): at 100k rows the cells of the workbook, the analysis and the annotated copy must
//! not all stay resident at once.

/// Called once at start, before any other thread. glibc raises its trim threshold as large
/// blocks are freed (up to 64 MB), so the memory of a cell grid freed once analysed stayed with
/// the process while the annotated copy was built; a fixed threshold (which also turns the
/// adjustment off) hands it back. At 100k rows the peak of check + annotate fell from 208 to
/// 193 MB (with the ID rule's fewer allocations) for no measurable time (examples/bench.rs).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    // SAFETY: mallopt only sets allocator parameters; called first, before any other thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}

/// Hands the free memory inside the heap back to the system, not only what lies at its top: after
/// a large temporary structure is dropped while other allocations still sit above it (the summary
/// sheet rendered on one core while the ledger sheet is marked on the other). About a millisecond.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn give_back() {
    // SAFETY: malloc_trim only returns unused pages to the system; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn give_back() {}
