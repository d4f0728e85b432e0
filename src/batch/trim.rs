//! When a batch gives back the memory of Typst's caches (in worker processes and threads alike).
//!
//! Typst memoises its work (layout, shaping, the compiled template) in global caches
//! that only [`typst::comemo::evict`] empties. Emptying them is not enough to shrink a
//! process: glibc keeps the freed memory in its heap, scattered between what is still in
//! use, and the process's resident memory stays where it was (BENCHMARKS.md: a worker at
//! 48 MiB after four reference forms was still at 48 MiB after an evict, and at 25 MiB
//! once `malloc_trim` had returned the free pages to the system).
//!
//! A [`Trimmer`] decides after each document: it trims after [`TrimPolicy::every`]
//! documents, so that consecutive small forms reuse each other's cached work; and at once
//! whenever the process's anonymous resident memory is above [`TrimPolicy::budget`], so
//! that one large document never leaves its caches behind for the next. Worker processes
//! and processes rendering in threads (`--threads`, a `--shard` run) use the same rule.

/// When to trim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrimPolicy {
    /// Trim after this many documents since the last trim, whatever the memory.
    pub every: usize,
    /// Trim after a document that left the process above this many bytes of anonymous
    /// resident memory (`RssAnon`: the heap, not the mapped binary or font files).
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
        // BENCHMARKS.md (issue 13): a worker holds 17 MiB before its first document
        // and about 50 MiB after four reference forms; a large form alone takes it past
        // 64 MiB, and is trimmed at once. Every 4 documents was also the best count for
        // threads: keeping entries for 3 trims instead of 1 peaked at 700 MiB on the
        // mixed corpus.
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
    /// [`TrimPolicy::every`] documents since the last trim.
    Count,
    /// Memory above [`TrimPolicy::budget`].
    Memory,
}

/// Counts documents and trims by a [`TrimPolicy`].
pub struct Trimmer {
    policy: TrimPolicy,
    since_trim: usize,
    resident: fn() -> Option<u64>,
}

impl Trimmer {
    /// A trimmer that reads this process's own memory.
    pub fn new(policy: TrimPolicy) -> Self {
        Self::reading(policy, anonymous_resident_bytes)
    }

    /// A trimmer that reads the memory with `resident` (`None`: unknown, so only the
    /// document count decides).
    fn reading(policy: TrimPolicy, resident: fn() -> Option<u64>) -> Self {
        Trimmer {
            policy,
            since_trim: 0,
            resident,
        }
    }

    /// Called after each document: decides, and trims if it must.
    pub fn after_document(&mut self) -> Trim {
        let decision = self.decide();
        if decision != Trim::Kept {
            trim_now();
        }
        decision
    }

    /// [`Trimmer::after_document`] without the trimming itself.
    fn decide(&mut self) -> Trim {
        self.since_trim += 1;
        let decision = if self.since_trim >= self.policy.every.max(1) {
            Trim::Count
        } else if (self.resident)().is_some_and(|bytes| bytes > self.policy.budget) {
            Trim::Memory
        } else {
            Trim::Kept
        };
        if decision != Trim::Kept {
            self.since_trim = 0;
        }
        decision
    }
}

/// Empties Typst's caches and hands the freed heap back to the system.
fn trim_now() {
    typst::comemo::evict(0);
    release_free_heap();
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

/// This process's anonymous resident memory, in bytes (Linux: `RssAnon` in
/// `/proc/self/status`; `None` elsewhere or if it cannot be read).
fn anonymous_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    rss_anon(&status)
}

/// The `RssAnon:` line of a `/proc/<pid>/status` text, in bytes.
fn rss_anon(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("RssAnon:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn decisions(policy: TrimPolicy, resident: fn() -> Option<u64>, n: usize) -> Vec<Trim> {
        let mut trimmer = Trimmer::reading(policy, resident);
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

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_reads_its_own_anonymous_memory() {
        // A test binary holds at least its heap: more than nothing, less than it all.
        let bytes = anonymous_resident_bytes().expect("RssAnon on Linux");
        assert!(bytes > 0 && bytes < 64 * 1024 * MIB, "{bytes}");
    }
}
