#!/usr/bin/env python3
"""Runs a command and reports its wall time and the peak of the summed memory of its
whole process tree (the command and every process it starts), sampled every 50 ms from
/proc. GNU time's %M is the peak of the largest single process, which undercounts a
batch that renders in worker processes. Each process counts its proportional set size
(Pss, /proc/PID/smaps_rollup): pages shared between processes — the binary, and the
fonts mapped from jixiao's cache by the batch and by every worker — are counted once in all,
not once per process as summing RSS would. Where smaps_rollup is missing, VmRSS.

    python3 benches/tree_rss.py OUT_FILE -- CMD [ARGS...]

writes "seconds peak_kib" to OUT_FILE (like `/usr/bin/time -f "%e %M" -o OUT_FILE`);
the command's stdout and stderr pass through, and its exit code is this script's.
"""
import os
import subprocess
import sys
import time


def children_of():
    """parent pid -> child pids, for every process now running."""
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the ppid follows it.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def field_kib(path, key):
    """The kiB figure of the line starting with `key` in a /proc file, or None."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_kib(pid):
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        kib = field_kib(path, key)
        if kib is not None:
            return kib
    return 0


def tree_rss(root):
    tree = children_of()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss_kib(pid)
        todo.extend(tree.get(pid, []))
    return total


def main():
    out, sep, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    assert sep == "--" and cmd, __doc__
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    secs = time.monotonic() - start
    with open(out, "w") as f:
        f.write(f"{secs:.3f} {peak}\n")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
