"""Boot the real hypervisor ISO (GRUB, Multiboot2) in QEMU and collect what
it prints on the serial line.  Every run is bounded by a timeout; guests
leave through isa-debug-exit, whose exit status is (code << 1) | 1."""

import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What the hypervisor writes to the isa-debug-exit port (hyp/include/machine.h).
EXIT_PASS = (0x10 << 1) | 1    # 33: a self test passed
EXIT_FAIL = (0x11 << 1) | 1    # 35: a self test failed
EXIT_PANIC = (0x12 << 1) | 1   # 37: the hypervisor panicked
EXIT_TIMEOUT = -1


class Options:
    accel = "tcg"
    cpu = "qemu64"


def make_iso(path, args, modules=()):
    """modules: (file, module command line) pairs, in GRUB order."""
    cmd = ["sh", "mk/mkiso.sh", path, args]
    for f, margs in modules:
        cmd += [f, margs]
    subprocess.run(cmd, cwd=ROOT, check=True)


class Result:
    def __init__(self, status, output, seconds):
        self.status = status
        self.output = output
        self.seconds = seconds

    def text(self):
        """The hypervisor's own output: from its first line on (SeaBIOS and
        GRUB write escape codes into the same stream before it)."""
        i = self.output.find("Paravane ")
        return self.output[i:] if i >= 0 else self.output


def qemu_cmd(iso, smp, mem):
    """The QEMU command line every test uses: the ISO, serial on stdio, isa-debug-exit."""
    return ["qemu-system-x86_64", "-accel", Options.accel, "-cpu", Options.cpu,
            "-smp", str(smp), "-m", str(mem), "-cdrom", iso, "-boot", "d",
            "-display", "none", "-serial", "stdio", "-no-reboot", "-nic", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def write_log(log, cmd, r):
    if log:
        with open(log, "w") as f:
            f.write("# %s\n# status %s after %.1f s\n" % (" ".join(cmd), r.status, r.seconds))
            f.write(r.output)


def run_iso(iso, smp=1, mem="256M", timeout=60, log=None):
    """Boot any ISO (stdin at /dev/null) and wait for QEMU to end, or the timeout."""
    cmd = qemu_cmd(iso, smp, mem)
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
        status, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        status, out = EXIT_TIMEOUT, e.stdout or b""
    r = Result(status, out.decode("utf-8", "replace").replace("\r", ""), time.monotonic() - start)
    write_log(log, cmd, r)
    return r


def boot(args, smp=1, mem="256M", modules=(), timeout=60, log=None):
    """Build an ISO with this command line and modules, boot it, wait."""
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "t.iso")
        make_iso(iso, args, modules)
        return run_iso(iso, smp, mem, timeout, log)


def boot_and_type(args, wait_for, text, smp=1, mem="256M", modules=(), timeout=60, log=None):
    """Boot like boot(), and once the serial output shows 'wait_for', type
    'text' on the serial console (QEMU's stdin), as a person would."""
    import select
    with tempfile.TemporaryDirectory(prefix="paravane-test-") as tmp:
        iso = os.path.join(tmp, "t.iso")
        make_iso(iso, args, modules)
        cmd = qemu_cmd(iso, smp, mem)
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.PIPE)
        out, typed = b"", False
        while p.poll() is None and time.monotonic() - start < timeout:
            ready, _, _ = select.select([p.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(p.stdout.fileno(), 65536)
                out += chunk
            if not typed and wait_for.encode() in out:
                p.stdin.write(text.encode())
                p.stdin.flush()
                typed = True
        if p.poll() is None:
            p.kill()
            status = EXIT_TIMEOUT
        else:
            status = p.returncode
        out += p.stdout.read() or b""
        p.wait()
        r = Result(status, out.decode("utf-8", "replace").replace("\r", ""), time.monotonic() - start)
        write_log(log, cmd, r)
        return r
