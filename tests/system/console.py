"""Drive a QEMU serial console the way a person at a terminal would:
boot an ISO, wait for text, type lines and control keys, read the answers.
pexpect does the terminal work; every wait is bounded."""

import time

import pexpect

import qemu


class Session:
    """One QEMU run with its serial line on a pseudo-terminal.

    Use as a context manager: the QEMU process is ended on the way out,
    and the whole transcript goes to 'log'."""

    def __init__(self, iso, smp=1, mem="256M", log=None):
        cmd = qemu.qemu_cmd(iso, smp, mem)
        # Ctrl-C is for the guest: QEMU must not take it as its own SIGINT.
        i = cmd.index("-serial")
        cmd[i:i + 2] = ["-chardev", "stdio,id=ser0,signal=off", "-serial", "chardev:ser0"]
        self.log = log
        self.start = time.monotonic()
        self.p = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace",
                               timeout=30, maxread=65536, echo=False)
        self.p.delaybeforesend = 0.05
        self.transcript = open(log, "w") if log else None
        self.seen = []
        self.p.logfile_read = self                  # everything QEMU prints, as it comes

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def expect(self, pattern, timeout=30):
        """Wait for a regex; return its match.  AssertionError (with the
        tail of the output) if it does not come in time or QEMU ends."""
        try:
            self.p.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            what = "QEMU ended" if isinstance(e, pexpect.EOF) else "no match within %d s" % timeout
            tail = (self.p.before or "")[-1500:]
            raise AssertionError("waiting for %r: %s; last output:\n%s" % (pattern, what, tail))
        return self.p.match

    def type(self, text):
        """Type text on the serial line (no Enter added)."""
        for ch in text:
            # The guest reads the UART one byte at a time: do not outrun it.
            self.p.send(ch)
            time.sleep(0.002)

    def line(self, text):
        self.type(text + "\r")

    def ctrl(self, key):
        self.p.sendcontrol(key)

    def wait_exit(self, timeout=60):
        """Wait for QEMU to end by itself; return its exit status."""
        try:
            self.p.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("QEMU did not end within %d s" % timeout)
        self.p.close()
        return self.p.exitstatus

    # pexpect's logfile interface: keep all output, and copy it to the log.
    def write(self, data):
        self.seen.append(data)
        if self.transcript:
            self.transcript.write(data)

    def flush(self):
        if self.transcript:
            self.transcript.flush()

    def text(self):
        """Everything QEMU printed so far."""
        return "".join(self.seen).replace("\r", "")

    def close(self):
        try:
            if self.p.isalive():
                self.p.terminate(force=True)
        finally:
            if self.transcript:
                self.transcript.write("\n# console session ended after %.1f s\n" % (time.monotonic() - self.start))
                self.transcript.close()
                self.transcript = None
