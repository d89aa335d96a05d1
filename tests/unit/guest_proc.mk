# guest_proc.mk - host tests for the guest kernel's process side
# (guest-port/kernel/elf.c: the ELF checks exec relies on).
UNIT_TESTS += test_guest_elf

unit_src_test_guest_elf := guest-port/kernel/elf.c

# The kernel's headers; defs.h declares the string functions with libc's
# signatures, so the host's libc stands in for lib.c.
unit_defs_guest-port/kernel/elf.c      := -Iguest-port/kernel -Iguest-port/include
unit_defs_tests/unit/test_guest_elf.c  := -Iguest-port/kernel -Iguest-port/include

# The process side (proc, signal, timer, trap, syscall, sysproc, exec) on
# a simulated machine (guest_proc_sim.c: fake HAL, vm, uaccess, files).
UNIT_TESTS += test_guest_proc
unit_src_test_guest_proc := tests/unit/guest_proc_sim.c \
	guest-port/kernel/proc.c guest-port/kernel/signal.c guest-port/kernel/timer.c guest-port/kernel/trap.c guest-port/kernel/syscall.c \
	guest-port/kernel/sysproc.c guest-port/kernel/exec.c guest-port/kernel/elf.c
unit_defs_guest-port/kernel/proc.c     := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/signal.c   := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/timer.c    := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/trap.c     := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/syscall.c  := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/sysproc.c  := -Iguest-port/kernel -Iguest-port/include
unit_defs_guest-port/kernel/exec.c     := -Iguest-port/kernel -Iguest-port/include
unit_defs_tests/unit/test_guest_proc.c := -Iguest-port/kernel -Iguest-port/include
unit_defs_tests/unit/guest_proc_sim.c  := -Iguest-port/kernel -Iguest-port/include
