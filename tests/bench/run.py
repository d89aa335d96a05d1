#!/usr/bin/env python3
"""make bench: the measurements behind docs/benchmarks.md.

1. Boot time: wall time from starting QEMU to the hypervisor's boot banner
   and to "All CPUs online", for SMP=1 and SMP=4, RUNS runs each.
2. Transition costs measured by the hypervisor itself (the "bench" boot
   option): ring 3 -> 0 -> 3 by syscall/sysret and int/iret, a CR3 reload,
   an IPI round trip.

Prints a Markdown report and writes it to build/bench/report.md.  QEMU
timings are noisy: every figure is a median with its spread."""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import qemu  # noqa: E402

RUNS = 5


def qemu_cmd(iso, smp, mem="512M"):
    return ["qemu-system-x86_64", "-accel", qemu.Options.accel, "-cpu", qemu.Options.cpu,
            "-smp", str(smp), "-m", mem, "-cdrom", iso, "-boot", "d", "-display", "none",
            "-serial", "stdio", "-no-reboot", "-nic", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def timed_boot(iso, smp, marks, timeout=60):
    """Start QEMU; return {mark: seconds from start until a line containing it}."""
    seen = {}
    start = time.monotonic()
    p = subprocess.Popen(qemu_cmd(iso, smp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    try:
        for raw in p.stdout:
            now = time.monotonic() - start
            line = raw.decode("utf-8", "replace")
            for name, pattern in marks.items():
                if name not in seen and re.search(pattern, line):
                    seen[name] = now
            if now > timeout:
                break
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
    return seen


def spread(values):
    return "%.3f (%.3f–%.3f)" % (statistics.median(values), min(values), max(values))


def bench_boot(tmp, report):
    iso = os.path.join(tmp, "boot.iso")
    qemu.make_iso(iso, "test=boot panic=qemu-exit")
    marks = {"start": r"Paravane \S+ starting", "cpus": r"All CPUs online",
             "banner": r"Paravane \S+: \d+ CPUs online"}
    report.append("### Boot time (s from QEMU start; median (min–max) of %d runs)\n" % RUNS)
    report.append("| SMP | to the hypervisor's first line | to all CPUs online | to the boot banner |")
    report.append("| --- | --- | --- | --- |")
    for smp in (1, 4):
        got = {"start": [], "cpus": [], "banner": []}
        for _ in range(RUNS):
            seen = timed_boot(iso, smp, marks)
            for k in got:
                if k not in seen:
                    raise SystemExit("bench: boot with SMP=%d never printed %r" % (smp, marks[k]))
                got[k].append(seen[k])
        report.append("| %d | %s | %s | %s |" % (smp, spread(got["start"]), spread(got["cpus"]),
                                                 spread(got["banner"])))
    report.append("")


def bench_transitions(tmp, report):
    iso = os.path.join(tmp, "bench.iso")
    qemu.make_iso(iso, "bench test=boot panic=qemu-exit")
    p = subprocess.run(qemu_cmd(iso, 2), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    tsc = re.search(r"bench: start \(TSC (\d+) kHz\)", out)
    rows = re.findall(r"bench (\S+)\s+median\s+(\d+) cycles \(\s*(\d+) ns\), min (\d+), max (\d+), (\d+) runs x (\d+)", out)
    if not tsc or len(rows) < 3:
        raise SystemExit("bench: the hypervisor's bench output is missing:\n" + out[-2000:])
    report.append("### Transition costs, measured by the hypervisor (SMP=2, TSC %.0f MHz)\n" % (int(tsc.group(1)) / 1000))
    report.append("| operation | median cycles | ns | min–max cycles | runs × iterations |")
    report.append("| --- | --- | --- | --- | --- |")
    for name, med, ns, lo, hi, runs, it in rows:
        report.append("| %s | %s | %s | %s–%s | %s × %s |" % (name, med, ns, lo, hi, runs, it))
    report.append("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--cpu", default="qemu64")
    a = ap.parse_args()
    qemu.Options.accel, qemu.Options.cpu = a.accel, a.cpu
    ver = subprocess.run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE).stdout.decode().splitlines()[0]
    report = ["## make bench, %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "", "%s, `-accel %s -cpu %s`, host: %d CPUs" % (ver, a.accel, a.cpu, os.cpu_count()), ""]
    with tempfile.TemporaryDirectory(prefix="paravane-bench-") as tmp:
        bench_boot(tmp, report)
        bench_transitions(tmp, report)
    text = "\n".join(report)
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
