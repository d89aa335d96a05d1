#!/usr/bin/env python3
"""Run every test: host unit tests (sanitizers on), then the system tests
that boot the real ISO in QEMU.  Ends with one line "N passed, N failed";
exits non-zero if anything failed."""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

import qemu  # noqa: E402
import cases  # noqa: E402
import guests  # noqa: E402
import guest_kernel  # noqa: E402


def run_unit():
    """Build and run the unit tests; return (passed, failed)."""
    passed = failed = 0
    b = subprocess.run(["make", "-s", "unit-build"], cwd=ROOT)
    if b.returncode != 0:
        print("FAIL unit tests: build failed")
        return 0, 1
    unitdir = os.path.join(ROOT, "build", "unit")
    for name in sorted(os.listdir(unitdir)):
        path = os.path.join(unitdir, name)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        try:
            p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        except subprocess.TimeoutExpired:
            print("FAIL unit/%s: did not finish within 300 s" % name)
            failed += 1
            continue
        out = p.stdout.decode("utf-8", "replace")
        m = re.search(r"^(\d+) passed, (\d+) failed\s*$", out, re.M)
        if not m:
            print("FAIL unit/%s: no result line (crashed? exit %d)" % (name, p.returncode))
            print(out[-3000:])
            failed += 1
            continue
        np_, nf = int(m.group(1)), int(m.group(2))
        if p.returncode != 0 and nf == 0:
            nf = 1                          # a sanitizer report after the summary
        for line in out.splitlines():
            if line.startswith("FAIL") or "runtime error" in line or "ERROR: AddressSanitizer" in line:
                print("unit/%s: %s" % (name, line))
        print("%s unit/%s: %d passed, %d failed" % ("ok  " if nf == 0 else "FAIL", name, np_, nf))
        passed += np_
        failed += nf
    return passed, failed


def run_system(only):
    logdir = os.path.join(ROOT, "build", "test-logs")
    os.makedirs(logdir, exist_ok=True)
    passed = failed = 0
    for fn in cases.CASES + guests.GUEST_CASES + guest_kernel.GK_CASES:
        name = fn.__name__
        if only and not re.search(only, name):
            continue
        c = cases.Check(name, logdir)
        t0 = time.monotonic()
        try:
            fn(c)
            print("ok   system/%s (%.1f s)" % (name, time.monotonic() - t0))
            passed += 1
        except AssertionError as e:
            print("FAIL system/%s: %s (log: build/test-logs/%s.log)" % (name, e, name))
            failed += 1
        except Exception as e:                 # the test itself broke
            print("FAIL system/%s: test error: %r" % (name, e))
            failed += 1
        sys.stdout.flush()
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--cpu", default="qemu64")
    ap.add_argument("--only", help="regex: run only matching system tests, no unit tests")
    a = ap.parse_args()
    qemu.Options.accel = a.accel
    qemu.Options.cpu = a.cpu

    up, uf = (0, 0) if a.only else run_unit()
    sp, sf = run_system(a.only)
    passed, failed = up + sp, uf + sf
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
