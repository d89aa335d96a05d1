"""System tests of the hypervisor core: each boots the real ISO through
GRUB in QEMU with a command line (and modules) of its own and checks what
the hypervisor printed and how QEMU exited.  One behaviour per case."""

import os
import random
import re
import struct
import zlib

from qemu import boot, EXIT_PASS, EXIT_PANIC

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


class Check:
    def __init__(self, name, logdir):
        self.name = name
        self.logdir = logdir
        self.tmp = os.path.join(logdir, name + ".files")

    def boot(self, args, **kw):
        r = boot(args, log=os.path.join(self.logdir, self.name + ".log"), **kw)
        self.last = r
        return r

    def file(self, name, data):
        os.makedirs(self.tmp, exist_ok=True)
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_status(r, status):
    names = {33: "self test passed", 35: "self test failed", 37: "panic", -1: "timeout",
             0: "QEMU stopped without isa-debug-exit (triple fault?)"}
    expect(r.status == status, "QEMU exit status %s (%s), expected %s (%s)" % (
        r.status, names.get(r.status, "?"), status, names.get(status, "?")))


def expect_line(r, pattern):
    m = re.search(pattern, r.text(), re.M)
    expect(m, "no line matching %r in the output" % pattern)
    return m


def tiny_elf(entry=0x400000):
    """A minimal valid ELF64 x86-64 executable: one R+X PT_LOAD segment."""
    code = b"\xf4\xeb\xfd"                        # hlt; jmp .-1
    ehdr_size, phdr_size = 64, 56
    off = ehdr_size + phdr_size
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, ehdr_size, 0, 0,
                        ehdr_size, phdr_size, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, entry - off, entry - off,
                       off + len(code), off + len(code), 0x1000)
    return ehdr + phdr + code


# --- booting on 1, 2, 4 CPUs ----------------------------------------------

def smp_case(n):
    def fn(c):
        r = c.boot("test=boot panic=qemu-exit", smp=n)
        expect_status(r, EXIT_PASS)
        m = expect_line(r, r"smp: (\d+) of (\d+) CPUs online")
        expect(m.group(1) == m.group(2) == str(n), "%s of %s CPUs online, expected %d" % (m.group(1), m.group(2), n))
        expect_line(r, r"^\[.*\] All CPUs online")
        expect_line(r, r"Paravane \S+: %d CPUs online, \d+ MiB RAM" % n)
    fn.__name__ = "smp_%d_cpus_online" % n
    return fn


for _n in (1, 2, 4):
    case(smp_case(_n))


@case
def maxcpus_limits_cpus_started(c):
    r = c.boot("test=boot panic=qemu-exit maxcpus=2", smp=4)
    expect_status(r, EXIT_PASS)
    expect_line(r, r"smp: 4 CPUs present, maxcpus=2: starting 2")
    expect_line(r, r"smp: 2 of 4 CPUs online")


# --- memory ---------------------------------------------------------------

def memory_case(mib):
    def fn(c):
        r = c.boot("test=memory panic=qemu-exit", mem="%dM" % mib)
        expect_status(r, EXIT_PASS)
        kib = int(expect_line(r, r"RAM: (\d+) KiB available").group(1))
        # QEMU takes a few hundred KiB for the BIOS areas and ACPI tables.
        expect(mib * 1024 - 2048 <= kib <= mib * 1024,
               "%d KiB available with -m %dM" % (kib, mib))
        m = expect_line(r, r"mm: (\d+) MiB RAM, (\d+) MiB free")
        total, free = int(m.group(1)), int(m.group(2))
        expect(total == kib // 1024, "allocator manages %d MiB, map says %d" % (total, kib // 1024))
        # All of it is usable: image, frame table and tables take a little.
        expect(free >= total - 8 - total // 200, "only %d of %d MiB free after boot" % (free, total))
    fn.__name__ = "memory_map_matches_%dM" % mib
    return fn


for _m in (64, 512, 5120):          # 5 GiB: RAM above the 4 GiB hole too
    case(memory_case(_m))


# --- modules --------------------------------------------------------------

@case
def modules_arrive_intact(c):
    rnd = random.Random(1234)
    blobs = [tiny_elf(), bytes(rnd.getrandbits(8) for _ in range(100000)),
             bytes(rnd.getrandbits(8) for _ in range(1048577))]
    mods = [(c.file("m%d" % i, b), "arg%d x=%d" % (i, i)) for i, b in enumerate(blobs)]
    r = c.boot("test=boot panic=qemu-exit", modules=mods)
    expect_status(r, EXIT_PASS)
    for i, b in enumerate(blobs):
        m = expect_line(r, r"module %d: \S+ size (\d+) crc32 ([0-9a-f]{8}) '([^']*)'" % i)
        expect(int(m.group(1)) == len(b), "module %d: size %s, sent %d" % (i, m.group(1), len(b)))
        expect(int(m.group(2), 16) == zlib.crc32(b), "module %d: crc32 %s, sent %08x" % (i, m.group(2), zlib.crc32(b)))
        expect(m.group(3) == "arg%d x=%d" % (i, i), "module %d: string %r" % (i, m.group(3)))
    expect_line(r, r"dom0 kernel: ELF64 x86-64, entry 0x400000, 1 loadable segments")
    expect_line(r, r"Paravane \S+: \d+ CPUs online, .* 3 modules")


@case
def modules_safe_from_allocator(c):
    rnd = random.Random(99)
    blobs = [tiny_elf(), bytes(rnd.getrandbits(8) for _ in range(300000))]
    mods = [(c.file("m%d" % i, b), "") for i, b in enumerate(blobs)]
    r = c.boot("test=modules-safe panic=qemu-exit", mem="128M", modules=mods)
    expect_status(r, EXIT_PASS)
    for i, b in enumerate(blobs):
        expect_line(r, r"modules-safe: module %d crc32 %08x unchanged, owner 0x7ff3" % (i, zlib.crc32(b)))
    expect_line(r, r"selftest modules-safe: PASS: filled \d+ free frames, 2 modules intact")


@case
def modules_safe_above_4g(c):
    """Fill every free frame of a 5 GiB machine: the allocator really hands out RAM above 4 GiB."""
    blob = bytes(random.Random(5).getrandbits(8) for _ in range(200000))
    r = c.boot("test=modules-safe panic=qemu-exit", mem="5120M", modules=[(c.file("m0", blob), "")],
               timeout=120)
    expect_status(r, EXIT_PASS)
    m = expect_line(r, r"selftest modules-safe: PASS: filled (\d+) free frames")
    expect(int(m.group(1)) > (4 << 30) // 4096, "only %s frames filled: RAM above 4 GiB unused" % m.group(1))


@case
def no_modules_is_reported(c):
    r = c.boot("test=boot panic=qemu-exit")
    expect_status(r, EXIT_PASS)
    expect_line(r, r"modules: none given: no dom0 kernel to start")


def bad_module_case(name, data, reason):
    def fn(c):
        r = c.boot("test=boot panic=qemu-exit", modules=[(c.file("kernel", data), "")])
        expect_status(r, EXIT_PASS)
        expect_line(r, r"dom0 kernel \(module 0\): rejected: .*%s" % reason)
    fn.__name__ = "bad_dom0_module_" + name
    return fn


_elf = tiny_elf()
case(bad_module_case("garbage", bytes(random.Random(7).getrandbits(8) for _ in range(5000)), "bad magic"))
case(bad_module_case("truncated", _elf[:70], "truncated"))
case(bad_module_case("not_x86_64", _elf[:18] + struct.pack("<H", 183) + _elf[20:], "x86-64"))


# --- command line ---------------------------------------------------------

@case
def bad_options_reported_and_ignored(c):
    r = c.boot("test=boot panic=qemu-exit frobnicate=1 maxcpus=abc loglvl=99 dom0_mem=12Q console=vga", smp=2)
    expect_status(r, EXIT_PASS)
    expect_line(r, r"cmdline: unknown option 'frobnicate")
    expect_line(r, r"cmdline: maxcpus=abc")
    expect_line(r, r"cmdline: loglvl=99")
    expect_line(r, r"cmdline: dom0_mem=12Q")
    expect_line(r, r"cmdline: console=vga")
    expect_line(r, r"smp: 2 of 2 CPUs online")       # maxcpus kept its default


@case
def maxcpus_zero_rejected(c):
    r = c.boot("test=boot panic=qemu-exit maxcpus=0", smp=2)
    expect_status(r, EXIT_PASS)
    expect_line(r, r"cmdline: maxcpus=0: must be at least 1")
    expect_line(r, r"smp: 2 of 2 CPUs online")


@case
def loglvl_hides_info(c):
    r = c.boot("test=boot panic=qemu-exit loglvl=5", smp=1)
    expect_status(r, EXIT_PASS)
    expect(not re.search(r"Memory map from", r.text()), "an info line was printed at loglvl=5")
    expect_line(r, r"Paravane \S+: 1 CPUs online")      # notices still are
    expect_line(r, r"selftest boot: PASS")


# --- exceptions and panics ------------------------------------------------

@case
def page_fault_dumps_and_panics(c):
    r = c.boot("test=fault panic=qemu-exit", smp=2)
    expect_status(r, EXIT_PANIC)
    expect_line(r, r"Hypervisor exception 14: #PF page fault, error code 0x2")
    expect_line(r, r"Page fault at 0000000000000010: page not present, write, supervisor")
    expect_line(r, r"RIP 0008:[0-9a-f]{16}  selftest_fault_victim\+0x")
    for reg in ("RAX", "R15", "CR2 0000000000000010", "CR3"):
        expect_line(r, reg)
    expect_line(r, r"#1 .*selftest_run\+0x")
    expect_line(r, r"hyp_start\+0x")
    expect_line(r, r"PANIC on CPU 0: fatal exception 14")


@case
def stack_overflow_hits_guard_page(c):
    r = c.boot("test=stack-overflow panic=qemu-exit")
    expect_status(r, EXIT_PANIC)
    expect_line(r, r"#DF double fault")
    expect_line(r, r"Stack overflow: [0-9a-f]+ is in the guard page below CPU 0's stack")
    expect_line(r, r"selftest_recurse")


@case
def data_is_not_executable(c):
    r = c.boot("test=nx panic=qemu-exit")
    expect_status(r, EXIT_PANIC)
    expect_line(r, r"protection violation, read, supervisor mode, instruction fetch")


@case
def text_is_read_only(c):
    r = c.boot("test=wp panic=qemu-exit")
    expect_status(r, EXIT_PANIC)
    expect_line(r, r"protection violation, write, supervisor mode")
    expect_line(r, r"RIP .* test_wp\+0x")


@case
def panic_stops_all_cpus(c):
    r = c.boot("test=panic panic=qemu-exit", smp=4)
    expect_status(r, EXIT_PANIC)
    expect_line(r, r"PANIC on CPU 0: selftest panic: deliberate")
    expect_line(r, r"#0 .*test_panic\+0x")
    expect_line(r, r"3 of 3 other CPUs stopped")


# --- interrupts -----------------------------------------------------------

def ipi_case(n):
    def fn(c):
        r = c.boot("test=ipi panic=qemu-exit", smp=n)
        expect_status(r, EXIT_PASS)
        expect_line(r, r"selftest ipi: PASS: %d of %d online CPUs" % (n, n))
    fn.__name__ = "ipi_reaches_all_%d_cpus" % n
    return fn


for _n in (2, 4):
    case(ipi_case(_n))


@case
def apic_timer_rate(c):
    r = c.boot("test=timer panic=qemu-exit", smp=2)
    expect_status(r, EXIT_PASS)
    expect_line(r, r"selftest timer: PASS")


@case
def log_ring_reads_back(c):
    r = c.boot("test=dmesg panic=qemu-exit", smp=2)
    expect_status(r, EXIT_PASS)
    expect_line(r, r"selftest dmesg: PASS")


@case
def unknown_selftest_fails(c):
    """The harness itself: a self test that does not exist must fail."""
    r = c.boot("test=no-such-test panic=qemu-exit")
    expect_status(r, 35)
    expect_line(r, r"selftest: unknown test 'no-such-test'")
