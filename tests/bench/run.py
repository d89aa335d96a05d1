#!/usr/bin/env python3
"""make bench: the measurements behind docs/benchmarks.md.

1. Boot time: wall time from starting QEMU to the hypervisor's boot banner
   and to "All CPUs online", for SMP=1 and SMP=4, RUNS runs each.
2. Transition costs measured by the hypervisor itself (the "bench" boot
   option): ring 3 -> 0 -> 3 by syscall/sysret and int/iret, a CR3 reload,
   an IPI round trip.
3. PV costs measured by test guests; the scheduler (switch cost, wake-up
   latency, utilization, shares and caps).
4. The guest kernel's lmbench rows natively and as dom0, with hypervisor
   entries and CR3 writes per operation, against Xen's ratios.

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
    return qemu.qemu_cmd(iso, smp, mem)


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


def bench_pv(tmp, report):
    """The PV paths, measured by the bench guest (tests/guests/bench) as dom0
    with a second copy as domain 1, in the same boot as the hypervisor's
    floor measurements (the "bench" option), so the ratios come from one run."""
    subprocess.run(["make", "-s", "-f", "tests/guests/guests.mk", "guests"], cwd=ROOT, check=True)
    elf = os.path.join(ROOT, "build", "guests", "bench.elf")
    iso = os.path.join(tmp, "pv.iso")
    qemu.make_iso(iso, "bench panic=qemu-exit guest_debug", [(elf, ""), (elf, "domU")])
    p = subprocess.run(qemu_cmd(iso, 2), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=180)
    out = p.stdout.decode("utf-8", "replace")
    floor = {m[0]: int(m[1]) for m in re.findall(r"bench (\S+)\s+median\s+(\d+) cycles \(", out)}
    rows = re.findall(r"\(d0\) bench (\S+)\s+median\s+(\d+) cycles, min (\d+), max (\d+), (\d+) runs x (\d+); "
                      r"entries/op ([\d.]+) cr3/op ([\d.]+)", out)
    if "int/iret" not in floor or "cr3-reload" not in floor or len(rows) < 5:
        raise SystemExit("bench: the PV benchmark output is incomplete:\n" + out[-3000:])
    iret, cr3 = floor["int/iret"], floor["cr3-reload"]
    report.append("### PV operations, measured by the bench guest (dom0 + an echo domU, SMP=2)\n")
    report.append("Floor in the same run: `int`/`iretq` round trip %d cycles, CR3 reload %d cycles.\n" % (iret, cr3))
    report.append("| operation | median cycles | min–max | runs × ops | hypervisor entries/op | CR3 writes/op | ratio |")
    report.append("| --- | --- | --- | --- | --- | --- | --- |")
    for name, med, lo, hi, runs, ops, ent, c3 in rows:
        med = int(med)
        if name == "syscall":
            ratio = "%.2f× int/iret (target ≤ 1.1)" % (med / iret)
        elif name == "null-hcall":
            target = 2 * cr3 + 1.5 * iret
            ratio = "%.2f× (2 CR3 + 1.5 int/iret = %d; target ≤ 1.0)" % (med / target, target)
        else:
            ratio = "%.1f× int/iret" % (med / iret)
        report.append("| %s | %d | %s–%s | %s × %s | %s | %s | %s |" % (name, med, lo, hi, runs, ops, ent, c3, ratio))
    report.append("")


def sched_boot(tmp, name, smp, dom0_args, domus):
    """Boot the sched-bench guest as dom0 with domUs; return its sched-bench line."""
    elf = os.path.join(ROOT, "build", "guests", "sched-bench.elf")
    iso = os.path.join(tmp, "%s.iso" % name)
    qemu.make_iso(iso, "panic=qemu-exit guest_debug", [(elf, dom0_args)] + [(elf, "domU " + d) for d in domus])
    p = subprocess.run(qemu_cmd(iso, smp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    m = re.search(r"sched-bench (.*)", out)
    if not m:
        raise SystemExit("bench: sched-bench %s printed nothing:\n%s" % (name, out[-2000:]))
    return m.group(1).strip()


def bench_sched(tmp, report):
    """The credit scheduler: switch cost, wake-up latency under hogs, utilization, shares."""
    subprocess.run(["make", "-s", "-f", "tests/guests/guests.mk", "guests"], cwd=ROOT, check=True)
    report.append("### Scheduler (credit policy; dom0 measures, domUs hog or yield)\n")
    report.append("| measurement | SMP | result |")
    report.append("| --- | --- | --- |")
    report.append("| context switch between two domains (yield ping-pong) | 1 | %s |" %
                  sched_boot(tmp, "switch", 1, "switch", ["yield"]))
    for hogs in (0, 1, 4):
        report.append("| wake-up latency of a blocked vCPU, %d hog%s on its pCPU | 1 | %s |" % (
            hogs, "" if hogs == 1 else "s", sched_boot(tmp, "lat%d" % hogs, 1, "latency", ["hog"] * hogs)))
    report.append("| utilization with 4 hogs | 2 | %s |" % sched_boot(tmp, "util", 2, "util", ["hog"] * 4))
    # Shares and cap: the sched-credit test guest prints them.
    elf = os.path.join(ROOT, "build", "guests", "sched-credit.elf")
    iso = os.path.join(tmp, "shares.iso")
    qemu.make_iso(iso, "panic=qemu-exit guest_debug", [(elf, "")] + [(elf, "domU")] * 3)
    out = qemu.run_iso(iso, 1, "512M", 120).output
    shares = re.findall(r"weight (\d+): ([\d.]+)% of the burners' time \(want ([\d.]+)%\)", out)
    cap = re.search(r"domain 3 capped at 25%: ([\d.]+)% of the pCPU", out)
    if shares:
        report.append("| shares, weights 256:512:1024 (want 14.3 / 28.6 / 57.1 %%) | 1 | %s |" %
                      " / ".join("%s%%" % s[1] for s in shares))
    if cap:
        report.append("| a 25%% cap next to two uncapped hogs | 1 | %s%% of the pCPU |" % cap.group(1))
    # Several pCPUs: three domains with a hog per pCPU each, 1:2:4, then a 50% cap on domain 3.
    for smp in (2, 4):
        iso = os.path.join(tmp, "shares%d.iso" % smp)
        qemu.make_iso(iso, "panic=qemu-exit guest_debug",
                      [(elf, "weights")] + [(elf, "domU vcpus=%d" % smp)] * 3)
        out = qemu.run_iso(iso, smp, "512M", 180).output
        shares = re.findall(r"pCPUs, weight (\d+): ([\d.]+)% of the burners' time", out)
        cap = re.search(r"capped at 50%: ([\d.]+)% of one pCPU", out)
        if shares:
            report.append("| shares, %d vCPUs per domain, 1:2:4 | %d | %s |" %
                          (smp, smp, " / ".join("%s%%" % s[1] for s in shares)))
        if cap:
            report.append("| a 50%% cap on a domain of %d vCPUs | %d | %s%% of one pCPU |" %
                          (smp, smp, cap.group(1)))
    report.append("")


# Xen 4.17 with Linux on this same QEMU (../shared/notes/xen-anchor.md):
# PV dom0 / native, row for row.  The target is at most half of each.
XEN_DOM0_RATIO = {
    "null_call": 60.0, "fork_exit": 4.6, "fork_exec": 4.0, "pipe_pingpong": 3.2,
    "page_fault": 11.4, "mmap_munmap": 4.9, "cpu_loop": 1.2,
}


def lmbench_lines(out, prefix=""):
    """{row: (median, min, max, entries/op, cr3/op)} from lmbench's lines."""
    rows = {}
    pat = r"^.*?%sbench (\w+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\S+) (\S+)\s*$" % re.escape(prefix)
    for m in re.finditer(pat, out, re.M):
        rows[m.group(1)] = (float(m.group(2)), float(m.group(3)), float(m.group(4)),
                            m.group(6), m.group(7))
    return rows


def bench_guest_kernel(tmp, report):
    """The guest kernel's lmbench rows, natively and as dom0: same binaries."""
    guest = os.path.join(ROOT, "build", "guest")
    kernel_native = os.path.join(guest, "kernel-native.elf")
    kernel_pv = os.path.join(guest, "kernel-pv.elf")
    initrd = os.path.join(guest, "initrd.cpio")
    iso_n = os.path.join(tmp, "lm-native.iso")
    subprocess.run(["sh", "guest-port/arch/native/mkiso.sh", iso_n, kernel_native, initrd,
                    "/bin/lmbench"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    iso_p = os.path.join(tmp, "lm-pv.iso")
    # panic=qemu-exit: once dom0 powers off, the hypervisor ends QEMU.
    qemu.make_iso(iso_p, "panic=qemu-exit", [(kernel_pv, "/bin/lmbench"), (initrd, "")])
    outs = {}
    for name, iso in (("native", iso_n), ("pv", iso_p)):
        # One vCPU/pCPU each: the guest kernel is uniprocessor, and dom0's
        # second vCPU would only idle.
        outs[name] = qemu.run_iso(iso, 1, "256M", 600).output
    nat, pv = lmbench_lines(outs["native"]), lmbench_lines(outs["pv"], "(d0) ")
    if not nat or not pv:
        raise SystemExit("bench: lmbench printed no rows:\n%s\n%s" % (outs["native"][-1500:],
                                                                   outs["pv"][-1500:]))
    report.append("### Guest kernel: lmbench rows, native vs PV dom0 (ns per op; median (min–max) of 7 runs)\n")
    report.append("| row | native | PV dom0 | PV/native | entries/op | CR3 writes/op | Xen dom0/native | target (half) | met |")
    report.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in nat:
        if row not in pv:
            continue
        n, v = nat[row], pv[row]
        ratio = v[0] / n[0] if n[0] > 0 else float("nan")
        xen = XEN_DOM0_RATIO.get(row)
        target = "%.1fx" % (xen / 2) if xen else "–"
        met = ("yes" if ratio <= xen / 2 else "NO") if xen else "–"
        report.append("| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.2fx | %s | %s | %s | %s | %s |" % (
            row, n[0], n[1], n[2], v[0], v[1], v[2], ratio, v[3], v[4],
            "%.1fx" % xen if xen else "–", target, met))
    bw = [re.search(r"# mem_bw: (\d+) MB/s", outs[k]) for k in ("native", "pv")]
    if all(bw):
        report.append("\nmemory bandwidth (memcpy 4 MiB): native %s MB/s, PV %s MB/s" %
                      (bw[0].group(1), bw[1].group(1)))
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
        bench_pv(tmp, report)
        bench_sched(tmp, report)
        bench_guest_kernel(tmp, report)
    text = "\n".join(report)
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
