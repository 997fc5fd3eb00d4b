#!/usr/bin/env python3
"""The syscall floor of a command (issue 9; Docs/performance.md "How far the goals are").

usage: syscall-floor.py RUNS OUT.json -- COMMAND ...

Traces COMMAND once (`strace -ff`, one file per thread), then makes the same file syscalls
again from C on the same threads, RUNS times (Scripts/syscall-floor.c, built here with $CC or
cc), and writes the medians to OUT.json: what the kernel's work for exactly those calls costs,
with no user space of the command's own. The command's time less this is its user-space and
scheduling cost; `list` at this floor is as fast as its syscalls allow. Needs strace and a C
compiler (the Swift toolchain's clang serves).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def build(workdir):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("clang") or shutil.which("gcc")
    if not cc:
        sys.exit("syscall-floor: no C compiler (set CC)")
    binary = os.path.join(workdir, "syscall-floor")
    subprocess.run([cc, "-O2", "-o", binary, os.path.join(HERE, "syscall-floor.c"), "-lpthread"], check=True)
    return binary


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.exit(__doc__)
    runs, out, command = int(argv[1]), argv[2], argv[4:]
    workdir = tempfile.mkdtemp(prefix="syscall-floor.")
    try:
        binary = build(workdir)
        prefix = os.path.join(workdir, "trace")
        subprocess.run(["strace", "-ff", "-s", "4096", "-o", prefix, "--"] + command,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        traces = {int(name.rsplit(".", 1)[1]): os.path.join(workdir, name)
                  for name in os.listdir(workdir) if name.startswith("trace.")}
        # The leader is the thread that ran execve; its clones, in order, name the others.
        leader = next(path for pid, path in sorted(traces.items())
                      if open(path, errors="replace").readline().startswith("execve("))
        clones = []
        with open(leader, errors="replace") as f:
            for line in f:
                m = re.match(r"clone3?\(.*\)\s+=\s+(\d+)", line)
                if m:
                    clones.append(traces.get(int(m.group(1)), "-"))
        result = subprocess.run([binary, str(runs), os.getcwd(), leader] + clones,
                                check=True, capture_output=True, text=True).stdout.split()
        fields = dict(zip(result[0::2], result[1::2]))
        summary = {key: float(value) for key, value in fields.items()}
        summary["command"] = command
        with open(out, "w") as f:
            json.dump(summary, f, indent=2)
        print(f"syscall floor of {' '.join(command)}: {int(summary['ops'])} syscalls on "
              f"{int(summary['threads'])} thread(s), median of {runs}: wall {summary['wall_ms']:.1f} ms, "
              f"CPU {summary['cpu_ms']:.1f} ms")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
