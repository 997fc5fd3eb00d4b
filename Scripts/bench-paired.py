#!/usr/bin/env python3
"""Two commands run alternately, N times each, timed from fork to exit (issue 9; Docs/performance.md).

usage: bench-paired.py N OUT.json -- COMMAND_A ... -- COMMAND_B ...

hyperfine runs every run of one command, then every run of the next: on a shared 2-core host
the load drifts between the two series, and a 10-run mean of `rdmactl list` against one of
`ibv_devices` moved from 1.02x to 1.28x between benchmark runs of one build. Alternating the
two cancels that drift. Per command: the median and quartiles of wall time and of CPU time
(the child's rusage, user + sys: what it cost, whatever else ran). Output is discarded, as
hyperfine's is. Two warm-up pairs are not counted.
"""
import json
import os
import statistics
import sys
import time


def run(argv):
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        null = os.open("/dev/null", os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.monotonic() - start) * 1000
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status)


def summary(values):
    q = statistics.quantiles(values, n=4)
    return {"median": statistics.median(values), "p25": q[0], "p75": q[2]}


def main():
    args = sys.argv[1:]
    if len(args) < 5 or args[2] != "--" or "--" not in args[3:]:
        sys.exit(__doc__)
    runs, out = int(args[0]), args[1]
    split = args.index("--", 3)
    commands = [args[3:split], args[split + 1:]]
    times = [{"wall": [], "cpu": []} for _ in commands]
    for i in range(runs + 2):
        for c, argv in enumerate(commands):
            wall, cpu, code = run(argv)
            if code != 0:
                sys.exit(f"bench-paired: {' '.join(argv)} exited {code}")
            if i >= 2:
                times[c]["wall"].append(wall)
                times[c]["cpu"].append(cpu)
    result = {"runs": runs, "commands": [{"argv": argv, "wall": summary(t["wall"]), "cpu": summary(t["cpu"]),
                                          "wall_ms": t["wall"], "cpu_ms": t["cpu"]}
                                         for argv, t in zip(commands, times)]}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
