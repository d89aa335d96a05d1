"""Test guests (tests/guests/<name>/main.c, built into build/guests/<name>.elf):
each is a tiny PV kernel, booted as dom0, that checks one behaviour of the
hypervisor and prints exactly one line "Test result: SUCCESS|SKIP|ERROR|FAILURE"
before powering itself off.  No result line means the guest crashed.

When dom0 ends, the hypervisor prints "domain 0: shut down (poweroff)" (or
"domain 0: crashed: ..."), runs its health check and, if that passes, exits
QEMU with status 33.  A case passes only with all three: the result line
(SUCCESS, or SKIP where the guest may legitimately skip), the clean
shutdown line, and status 33; otherwise the failure names what was missing.

GUEST_CASES is a list of functions taking a cases.Check, like cases.CASES."""

import os
import re
import subprocess

from qemu import ROOT, EXIT_PASS, EXIT_FAIL, EXIT_PANIC, EXIT_TIMEOUT

GUEST_DIR = os.path.join(ROOT, "build", "guests")
GUEST_ARGS = "panic=qemu-exit guest_debug"

RESULT_RE = re.compile(r"\(d0\) Test result: (\S+)")
OTHER_RESULT_RE = re.compile(r"\(d([1-9]\d*)\) Test result: (\S+)")
END_RE = re.compile(r"domain 0: (shut down \((\S+?)\)|crashed: .*)")
MESSAGE_RE = re.compile(r"(FAILURE: .*|ERROR: .*|SKIP: .*|Unexpected exception.*)")

STATUS_NAMES = {
    EXIT_PASS: "domain ended, health check passed",
    EXIT_FAIL: "health check failed",
    EXIT_PANIC: "hypervisor panic",
    EXIT_TIMEOUT: "timeout",
    0: "QEMU stopped without isa-debug-exit (triple fault?)",
}

GUEST_CASES = []

_build = None


def build_guests():
    """Build every guest once per run (make -f tests/guests/guests.mk guests)."""
    global _build
    if _build is None:
        p = subprocess.run(["make", "-s", "-f", "tests/guests/guests.mk", "guests"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _build = (p.returncode, p.stdout.decode("utf-8", "replace"))
    return _build


def check_guest(r, skip_ok=False):
    """Raise AssertionError naming everything that is missing or wrong in run r."""
    text = r.text()
    problems = []

    results = RESULT_RE.findall(text)
    if not results:
        problems.append("no 'Test result:' line (CRASH)")
    elif len(results) > 1:
        problems.append("%d 'Test result:' lines (%s)" % (len(results), ", ".join(results)))
    elif results[0] == "SKIP" and not skip_ok:
        problems.append("Test result: SKIP, and this guest should not skip")
    elif results[0] not in ("SUCCESS", "SKIP"):
        problems.append("Test result: %s" % results[0])
    # A second copy running as a domU may report too: it must not have failed.
    for dom, verdict in OTHER_RESULT_RE.findall(text):
        if verdict not in ("SUCCESS", "SKIP"):
            problems.append("domain %s: Test result: %s" % (dom, verdict))

    end = END_RE.search(text)
    if not end:
        problems.append("no 'domain 0: shut down' or 'domain 0: crashed' line")
    elif end.group(1).startswith("crashed"):
        problems.append("'domain 0: %s'" % end.group(1))
    elif end.group(2) != "poweroff":
        problems.append("dom0 shut down with reason %s, expected poweroff" % end.group(2))

    if r.status != EXIT_PASS:
        problems.append("QEMU exit status %s (%s), expected %d (%s)" % (
            r.status, STATUS_NAMES.get(r.status, "?"), EXIT_PASS, STATUS_NAMES[EXIT_PASS]))

    if problems:
        msgs = [m.strip() for m in MESSAGE_RE.findall(text)]
        if msgs:
            more = " (+%d more)" % (len(msgs) - 5) if len(msgs) > 5 else ""
            problems.append("guest said: " + " | ".join(msgs[:5]) + more)
        raise AssertionError("; ".join(problems))


def guest_case(name, timeout=60, skip_ok=False, smp=2, domu=False, name_suffix="", expect_lines=(),
               dom0_args="", domu_args=""):
    """A case that boots build/guests/<name>.elf as dom0 and requires it to pass.
    With domu=True a second copy boots as domain 1 (a boot-time domU), for
    tests between two domains."""
    def fn(c):
        rc, out = build_guests()
        if rc != 0:
            raise AssertionError("make -f tests/guests/guests.mk guests failed:\n" + out[-3000:])
        elf = os.path.join(GUEST_DIR, name + ".elf")
        if not os.path.exists(elf):
            raise AssertionError("%s was not built" % elf)
        mods = [(elf, dom0_args)] + [(elf, ("domU " + domu_args).strip())] * int(domu)
        r = c.boot(GUEST_ARGS, smp=smp, modules=mods, timeout=timeout)
        check_guest(r, skip_ok)
        for pattern in expect_lines:
            if not re.search(pattern, r.text(), re.M):
                raise AssertionError("no line matching %r in the output" % pattern)
    fn.__name__ = "guest_" + name.replace("-", "_") + name_suffix
    GUEST_CASES.append(fn)
    return fn


# Functional: the interface does what abi.md says.
guest_case("hello")
guest_case("start-info")
guest_case("version")
guest_case("hypercall-abi")
guest_case("console")
guest_case("multicall")
guest_case("trap-table")
guest_case("page-fault-bounce")
guest_case("mmu-update", skip_ok=True)
guest_case("timer")
guest_case("evtchn-local")
guest_case("sched")
guest_case("fpu")
# Two domains sharing one pCPU: every yield switches between their FPU/SSE states.
guest_case("fpu", smp=1, domu=True, name_suffix="_two_domains_one_cpu")
guest_case("evtchn-interdomain", domu=True)
guest_case("vcpu-race")


def console_read(c):
    """Type a line on the serial console; dom0 (the console-read guest) must get it."""
    from qemu import boot_and_type
    rc, out = build_guests()
    if rc != 0:
        raise AssertionError("make -f tests/guests/guests.mk guests failed:\n" + out[-3000:])
    elf = os.path.join(GUEST_DIR, "console-read.elf")
    r = boot_and_type(GUEST_ARGS, "console-read: waiting", "hello-paravane\r", smp=2,
                      modules=[(elf, "")], timeout=60, log=os.path.join(c.logdir, c.name + ".log"))
    check_guest(r)


console_read.__name__ = "guest_console_read_typed_input"
GUEST_CASES.append(console_read)

# Adversarial: the guest is an attacker; each attempt must be refused and
# only the attacker may suffer.
guest_case("map-hypervisor")
guest_case("pte-bits")
guest_case("map-own-pt-writable")
guest_case("pin-writable", skip_ok=True)
guest_case("reserved-slot", timeout=120, skip_ok=True)
guest_case("bad-pointers")
guest_case("huge-counts")
guest_case("bad-trap-table")
guest_case("int82-from-ring3")
guest_case("priv-insns")
guest_case("evtchn-abuse", timeout=120)
guest_case("event-flood", timeout=120)
guest_case("unpin-baseptr")
guest_case("map-foreign", domu=True)
guest_case("crash-domu", domu=2, expect_lines=(
    r"domain 1: crashed: #UD .* with no handler registered",
    r"domain 2: crashed: cannot push an exception frame",
    r"domain 1: destroyed, all frames returned",
    r"domain 2: destroyed, all frames returned"))
guest_case("segment-base", smp=1, domu=True)
guest_case("sched-credit", smp=1, domu=3, name_suffix="_one_cpu_weights_cap", timeout=90)
guest_case("sched-credit", smp=2, domu=3, name_suffix="_two_cpus_pinning", timeout=90)
# Three domains at 1:2:4 with a vCPU per pCPU each, over two and four pCPUs.
guest_case("sched-credit", smp=2, domu=3, name_suffix="_two_cpus_weights", timeout=90,
           dom0_args="weights", domu_args="vcpus=2")
guest_case("sched-credit", smp=4, domu=3, name_suffix="_four_cpus_weights", timeout=120,
           dom0_args="weights", domu_args="vcpus=4")
# 100000 hypercalls; a hypervisor that logs every refused call without a
# rate limit floods the serial line and will hit this timeout.
guest_case("hypercall-fuzz", timeout=120)
