#!/usr/bin/env python3
"""Times shell commands alternately, so that drifts in the machine's speed hit all of them.

    python3 benches/alternate.py RUNS NAME=COMMAND [NAME=COMMAND …]

Round i runs the commands in order (even i) or in reverse order (odd i); each run is a
process of its own. Prints, per name, the median wall time, its minimum and the median CPU
time (user + system of the process and the children it waited for, from wait4), then
every run's wall time in round order, for pooling groups of rounds. A command
that exits non-zero stops the measurement. BENCHMARKS.md uses it to compare two binaries
on a VM whose speed drifts by more than the difference between them.
"""
import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    results = {name: ([], []) for name, _ in commands}
    for i in range(runs):
        for name, command in commands if i % 2 == 0 else commands[::-1]:
            start = time.perf_counter()
            child = subprocess.Popen(
                command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            if status != 0:
                sys.exit(f"{name}: exit status {status} in round {i + 1}")
            results[name][0].append(wall)
            results[name][1].append(usage.ru_utime + usage.ru_stime)
    for name, (walls, cpus) in results.items():
        print(
            f"{name}: wall median {statistics.median(walls) * 1000:.1f} ms "
            f"(min {min(walls) * 1000:.1f}), CPU median {statistics.median(cpus) * 1000:.1f} ms, "
            f"{len(walls)} runs"
        )
        print(f"  walls (s): {' '.join(f'{w:.2f}' for w in walls)}")


if __name__ == "__main__":
    main()
