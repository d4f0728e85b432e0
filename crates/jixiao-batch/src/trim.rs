//! When a batch gives back the memory of Typst's caches (in worker processes and threads alike).
//!
//! Typst memoises its work (layout, shaping, the compiled template) in global caches
//! that only [`typst::comemo::evict`] empties. Emptying them is not enough to shrink a
//! process: glibc keeps the freed memory in its heap, scattered between what is still in
//! use, and the process's resident memory stays where it was (BENCHMARKS.md: a worker at
//! 48 MiB after four reference forms was still at 48 MiB after an evict, and at 25 MiB
//! once `malloc_trim` had returned the free pages to the system).
//!
//! A [`Trimmer`] decides after each document: it empties the caches after
//! [`TrimPolicy::every`] documents, so that consecutive small forms reuse each other's
//! cached work; and whenever the heap the process holds for live allocations is above
//! [`TrimPolicy::budget`] it empties them at once *and* hands the freed heap back, so that
//! one large document never leaves its caches or its pages behind for the next. A trim
//! by count keeps the freed heap for the next documents to reuse: handing it back after
//! every count as well made a `-j 2` batch of reference forms 4 to 6 % slower (the pages
//! fault back in at once; BENCHMARKS.md). Worker processes and processes rendering in
//! threads (`--threads`, a `--shard` run) use the same rule.

/// When to trim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrimPolicy {
    /// Trim after this many documents since the last trim, whatever the memory.
    pub every: usize,
    /// Trim, and hand the freed heap back to the system, after a document that left the
    /// process holding more than this many bytes of heap for live allocations (the
    /// caches and whatever else is in use; not the freed heap kept for reuse, nor the
    /// mapped binary or font files).
    pub budget: u64,
}

impl TrimPolicy {
    /// The policy of a process whose `threads` threads each render a document at a
    /// time: as many documents between trims, counted over all threads, and the budget
    /// for each thread. Each trim takes the write lock of every cache (stalling the other
    /// threads) and drops what their documents in progress had cached, so a budget for
    /// one thread would trim after nearly every document (BENCHMARKS.md: 25 % slower).
    pub fn for_threads(self, threads: usize) -> Self {
        TrimPolicy {
            every: self.every,
            budget: self.budget.saturating_mul(threads.max(1) as u64),
        }
    }
}

impl Default for TrimPolicy {
    fn default() -> Self {
        // BENCHMARKS.md (issue 13): a worker's heap has 12 MiB in use after its first
        // reference form and 37 MiB after four; about half the forms of the mixed
        // corpus take it past 64 MiB on their own, and are trimmed at once. Every 4
        // documents was also the best count for threads: keeping entries for 3 trims
        // instead of 1 peaked at 700 MiB on the mixed corpus.
        TrimPolicy {
            every: 4,
            budget: 64 * 1024 * 1024,
        }
    }
}

/// Why a [`Trimmer`] trimmed, or that it did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    /// Caches kept for the next document.
    Kept,
    /// [`TrimPolicy::every`] documents since the last trim: caches emptied, the freed
    /// heap kept for the next documents.
    Count,
    /// Memory above [`TrimPolicy::budget`]: caches emptied and the freed heap handed back.
    Memory,
}

/// Counts documents and trims by a [`TrimPolicy`].
pub struct Trimmer {
    policy: TrimPolicy,
    since_trim: usize,
    heap_in_use: fn() -> Option<u64>,
}

impl Trimmer {
    /// A trimmer that reads this process's own memory.
    pub fn new(policy: TrimPolicy) -> Self {
        Self::reading(policy, heap_in_use_bytes)
    }

    /// A trimmer that reads the heap in use with `heap_in_use` (`None`: unknown, so only
    /// the document count decides).
    fn reading(policy: TrimPolicy, heap_in_use: fn() -> Option<u64>) -> Self {
        Trimmer {
            policy,
            since_trim: 0,
            heap_in_use,
        }
    }

    /// Called after each document: decides, and trims if it must.
    pub fn after_document(&mut self) -> Trim {
        let decision = self.decide();
        match decision {
            Trim::Kept => {}
            Trim::Count => typst::comemo::evict(0),
            Trim::Memory => {
                typst::comemo::evict(0);
                release_free_heap();
            }
        }
        decision
    }

    /// [`Trimmer::after_document`] without the trimming itself.
    fn decide(&mut self) -> Trim {
        self.since_trim += 1;
        // Memory first: a document over the budget must hand its pages back even when
        // the count is also due.
        let decision = if (self.heap_in_use)().is_some_and(|bytes| bytes > self.policy.budget) {
            Trim::Memory
        } else if self.since_trim >= self.policy.every.max(1) {
            Trim::Count
        } else {
            Trim::Kept
        };
        if decision != Trim::Kept {
            self.since_trim = 0;
        }
        decision
    }
}

/// Returns the allocator's free pages to the system (glibc's `malloc_trim`; elsewhere
/// nothing: other allocators give memory back on their own terms).
fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only walks glibc's own heap under its own locks; it has no
    // arguments that point anywhere and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The bytes this process's heap holds for live allocations, Typst's caches among them.
///
/// glibc: `mallinfo2`, the bytes in use in every arena plus the blocks it mapped on its
/// own. Not the resident memory: after a trim by count the freed heap stays resident
/// for the next documents, and measuring it would count those free pages as the
/// caches of the documents to come (BENCHMARKS.md: on the mixed corpus, a trim after
/// nearly every document). Elsewhere on Linux `RssAnon` stands in; otherwise `None`.
fn heap_in_use_bytes() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallinfo2` takes no arguments and only reads glibc's own counters
        // under its arena locks; it is safe to call from any thread at any time.
        let info = unsafe { libc::mallinfo2() };
        let in_use = info.uordblks.saturating_add(info.hblkhd);
        Some(u64::try_from(in_use).unwrap_or(u64::MAX))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        anonymous_resident_bytes()
    }
}

/// This process's anonymous resident memory, in bytes (Linux: `RssAnon` in
/// `/proc/self/status`; `None` elsewhere or if it cannot be read).
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn anonymous_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    rss_anon(&status)
}

/// The `RssAnon:` line of a `/proc/<pid>/status` text, in bytes.
#[cfg(any(test, not(all(target_os = "linux", target_env = "gnu"))))]
fn rss_anon(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("RssAnon:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn decisions(policy: TrimPolicy, heap_in_use: fn() -> Option<u64>, n: usize) -> Vec<Trim> {
        let mut trimmer = Trimmer::reading(policy, heap_in_use);
        (0..n).map(|_| trimmer.decide()).collect()
    }

    #[test]
    fn below_the_budget_it_trims_every_n_documents() {
        let policy = TrimPolicy {
            every: 4,
            budget: 64 * MIB,
        };
        let got = decisions(policy, || Some(40 * MIB), 9);
        use Trim::*;
        assert_eq!(
            got,
            [Kept, Kept, Kept, Count, Kept, Kept, Kept, Count, Kept]
        );
    }

    #[test]
    fn over_the_budget_it_trims_after_that_document_and_counts_again_from_there() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // Memory after documents 1, 2, 3, …: the second is a large form.
        static CALL: AtomicUsize = AtomicUsize::new(0);
        fn readings() -> Option<u64> {
            let after = [20, 200, 30, 40, 50, 60, 70];
            let i = CALL.fetch_add(1, Ordering::Relaxed);
            after.get(i).map(|m| m * MIB)
        }
        let policy = TrimPolicy {
            every: 4,
            budget: 64 * MIB,
        };
        let got = decisions(policy, readings, 6);
        use Trim::*;
        assert_eq!(got, [Kept, Memory, Kept, Kept, Kept, Count]);
    }

    #[test]
    fn a_document_over_the_budget_when_the_count_is_due_hands_the_heap_back() {
        // The fourth document is a large form: the count is due, but the trim must be
        // the one that also returns the pages (Memory), not a plain count trim.
        use std::sync::atomic::{AtomicUsize, Ordering};
        static CALL: AtomicUsize = AtomicUsize::new(0);
        fn readings() -> Option<u64> {
            let after = [20, 30, 40, 300, 20, 30, 40, 50];
            let i = CALL.fetch_add(1, Ordering::Relaxed);
            after.get(i).map(|m| m * MIB)
        }
        let policy = TrimPolicy {
            every: 4,
            budget: 64 * MIB,
        };
        use Trim::*;
        assert_eq!(
            decisions(policy, readings, 8),
            [Kept, Kept, Kept, Memory, Kept, Kept, Kept, Count]
        );
    }

    #[test]
    fn threads_share_the_count_and_each_has_a_budget() {
        let one = TrimPolicy {
            every: 4,
            budget: 64 * MIB,
        };
        assert_eq!(
            one.for_threads(3),
            TrimPolicy {
                every: 4,
                budget: 192 * MIB
            }
        );
        assert_eq!(one.for_threads(0), one);
    }

    #[test]
    fn memory_unknown_means_the_count_alone_decides() {
        let policy = TrimPolicy {
            every: 2,
            budget: 0,
        };
        use Trim::*;
        assert_eq!(decisions(policy, || None, 4), [Kept, Count, Kept, Count]);
    }

    #[test]
    fn reads_rss_anon_from_proc_status() {
        let status =
            "Name:\tjixiao\nVmRSS:\t  90000 kB\nRssAnon:\t   51234 kB\nRssFile:\t 38000 kB\n";
        assert_eq!(rss_anon(status), Some(51234 * 1024));
        assert_eq!(rss_anon("VmRSS:\t1 kB\n"), None);
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_heap_in_use_grows_with_a_live_allocation_and_falls_when_it_is_freed() {
        // Other tests allocate and free beside this one: a block far larger than they
        // do, and a margin of a quarter of it. (Zeroed, so never touched: glibc maps a
        // block this large on its own and counts it at once.)
        const BLOCK: u64 = 256 * MIB;
        let before = heap_in_use_bytes().expect("mallinfo2 on glibc");
        let block = vec![0u8; BLOCK as usize];
        let during = heap_in_use_bytes().expect("mallinfo2 on glibc");
        assert!(during >= before + BLOCK - BLOCK / 4, "{before} → {during}");
        drop(std::hint::black_box(block));
        let after = heap_in_use_bytes().expect("mallinfo2 on glibc");
        assert!(after + BLOCK / 2 < during, "{during} → {after}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_reads_its_own_anonymous_memory() {
        // A test binary holds at least its heap: more than nothing, less than it all.
        let bytes = anonymous_resident_bytes().expect("RssAnon on Linux");
        assert!(bytes > 0 && bytes < 64 * 1024 * MIB, "{bytes}");
    }
}
