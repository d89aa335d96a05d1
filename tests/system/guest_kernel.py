"""System tests of the ported guest kernel (guest-port/): the same kernel
source and the very same user binaries, booted natively (GRUB, Multiboot2,
no hypervisor) and as a Paravane PV guest (dom0 and a boot-time domU).

- utest, the user-level test suite, must pass in all three;
- the shell must answer typed commands on the serial console, natively
  and as dom0 (pipes, redirection, exit status, Ctrl-C, background jobs,
  poweroff).

GK_CASES is a list of functions taking a cases.Check, like cases.CASES."""

import os
import re
import subprocess
import tempfile

import pexpect

import qemu
from cases import expect_line
from console import Session

ROOT = qemu.ROOT
GUEST = os.path.join(ROOT, "build", "guest")
KERNEL_NATIVE = os.path.join(GUEST, "kernel-native.elf")
KERNEL_PV = os.path.join(GUEST, "kernel-pv.elf")
INITRD = os.path.join(GUEST, "initrd.cpio")

GK_CASES = []
# poweroff(0) natively: isa-debug-exit with code 0 -> QEMU exits (0 << 1) | 1.
NATIVE_EXIT_OK = 1


def gk_case(fn):
    GK_CASES.append(fn)
    return fn


def build_guest():
    p = subprocess.run(["make", "-s", "guest"], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise AssertionError("make guest failed:\n" + p.stdout.decode("utf-8", "replace")[-3000:])


def native_iso(path, cmdline):
    subprocess.run(["sh", "guest-port/arch/native/mkiso.sh", path, KERNEL_NATIVE, INITRD, cmdline],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def utest_verdict(text, prefix=""):
    """The suite's last line must say every test passed; name the failures."""
    m = re.search(r"^.*?%sutest: (\d+) passed, (\d+) failed" % re.escape(prefix), text, re.M)
    if not m:
        raise AssertionError("utest printed no result line (kernel crash or hang?); last output:\n" +
                             text[-2000:])
    failed = [l.strip() for l in text.splitlines() if "FAILED" in l]
    if int(m.group(2)) != 0 or int(m.group(1)) < 40:
        raise AssertionError("utest: %s passed, %s failed: %s" % (m.group(1), m.group(2),
                                                                  "; ".join(failed[:8])))


def log_path(c):
    return os.path.join(c.logdir, c.name + ".log")


@gk_case
def guest_kernel_native_utest(c):
    """The user test suite on the kernel's native build, booted by GRUB alone."""
    build_guest()
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "native.iso")
        native_iso(iso, "/bin/utest")
        r = qemu.run_iso(iso, 1, "256M", 300, log_path(c))
    utest_verdict(r.output)
    if r.status != NATIVE_EXIT_OK:
        raise AssertionError("QEMU exit status %s, expected %d (poweroff(0))" % (r.status, NATIVE_EXIT_OK))


@gk_case
def guest_kernel_pv_dom0_utest(c):
    """The same suite, same binaries, with the PV build as dom0 on Paravane."""
    build_guest()
    r = c.boot("panic=qemu-exit", smp=2, modules=[(KERNEL_PV, "/bin/utest"), (INITRD, "")],
               timeout=300)
    utest_verdict(r.text(), "(d0) ")
    expect_line(r, r"domain 0: shut down \(poweroff\)")
    expect_line(r, r"health: .* 0 leaked: OK")


@gk_case
def guest_kernel_pv_domu_utest(c):
    """And as a 16 MiB domU next to dom0 (its console on the hypervisor's,
    console=hyp, since dom0 has no console server for the rings yet)."""
    build_guest()
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "domu.iso")
        qemu.make_iso(iso, "panic=qemu-exit guest_debug",
                      [(KERNEL_PV, "/bin/sleep 600"), (INITRD, ""),
                       (KERNEL_PV, "domU mem=16M console=hyp /bin/utest"), (INITRD, "domU-ramdisk")])
        with Session(iso, smp=2, log=log_path(c)) as s:
            s.expect(r"\(d1\) utest: \d+ passed, \d+ failed", timeout=300)
            s.expect(r"domain 1: shut down", timeout=30)
            utest_verdict(s.text(), "(d1) ")


# What a person would type, and what must come back.  The prompt is "$ ".
SHELL_SCRIPT = [
    ("echo hello world | wc -w", r"\b2\b"),
    ("ls /bin | grep -c sh", r"\b[1-9]\d*\b"),
    ("cd /tmp; echo first > f; echo second >> f; cat f", r"first[\s\S]*second"),
    ("wc -l < /tmp/f", r"\b2\b"),
    ("false; echo status $?", r"status 1"),
    ("nosuchprogram; echo status $?", r"not found[\s\S]*status 127"),
    ("sleep 1 & echo started", r"started"),
    ("ps", r"init[\s\S]*sh"),
    ("cat /proc/meminfo", r"MemFree"),
    ("hello", r"sqrt\(2\)|1\.414"),
]


def shell_session(s, prompt_timeout, after_poweroff):
    s.expect(r"\$ $", timeout=prompt_timeout)
    for command, answer in SHELL_SCRIPT:
        s.line(command)
        s.expect(answer, timeout=30)
        s.expect(r"\$ $", timeout=30)
    # Ctrl-C ends the foreground job, not the shell.
    s.line("sleep 30")
    s.expect(r"sleep 30\s*", timeout=10)
    s.ctrl("c")
    s.expect(r"\$ $", timeout=10)
    s.line("echo after $?")
    s.expect(r"after 130", timeout=10)
    # poweroff asks init (SIGUSR1), the only process that may end the machine.
    s.expect(r"\$ $", timeout=10)
    s.line("poweroff")
    s.expect(r"going down", timeout=10)
    s.expect(after_poweroff, timeout=30)


@gk_case
def guest_kernel_native_shell(c):
    """The shell on the native build, typed into over the serial line."""
    build_guest()
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "native.iso")
        native_iso(iso, "")
        with Session(iso, smp=1, log=log_path(c)) as s:
            shell_session(s, 60, pexpect.EOF)


@gk_case
def guest_kernel_pv_dom0_shell(c):
    """The same on dom0: what `make run` boots."""
    build_guest()
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "dom0.iso")
        qemu.make_iso(iso, "", [(KERNEL_PV, ""), (INITRD, "")])
        with Session(iso, smp=2, log=log_path(c)) as s:
            shell_session(s, 60, r"domain 0: shut down \(poweroff\)")


@gk_case
def guest_kernel_dom0_poweroff_ends_machine(c):
    """dom0 powering off (init's command done) turns the machine off
    through ACPI S5, without panic=qemu-exit: QEMU ends by itself with 0."""
    build_guest()
    r = c.boot("", smp=2, modules=[(KERNEL_PV, "/bin/true"), (INITRD, "")], timeout=60)
    for pattern in (r"acpi: poweroff through PM1a_CNT", r"domain 0: shut down \(poweroff\)",
                    r"dom0 powered off: powering the machine off"):
        expect_line(r, pattern)
    if r.status != 0:
        raise AssertionError("QEMU exit status %s, expected 0 (ACPI soft-off)" % r.status)



@gk_case
def guest_kernel_damaged_initrd_is_reported(c):
    """Bad input: random bytes as the initrd.  The kernel says the archive
    is damaged and that init cannot be started, and stops with its panic
    code (100: QEMU exits 201), instead of crashing."""
    build_guest()
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        junk = os.path.join(tmp, "junk.cpio")
        with open(junk, "wb") as f:
            f.write(bytes((i * 167 + 13) % 251 for i in range(5000)))
        iso = os.path.join(tmp, "junk.iso")
        subprocess.run(["sh", "guest-port/arch/native/mkiso.sh", iso, KERNEL_NATIVE, junk, ""],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        r = qemu.run_iso(iso, 1, "256M", 60, log_path(c))
    for pattern in (r"initrd: the archive is damaged", r"panic: init: cannot exec /sbin/init"):
        if not re.search(pattern, r.output, re.M):
            raise AssertionError("no line matching %r; output:\n%s" % (pattern, r.output[-1500:]))
    if r.status != (100 << 1) | 1:
        raise AssertionError("QEMU exit status %s, expected 201 (the kernel's panic code)" % r.status)
