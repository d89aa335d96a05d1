# guest_fs.mk - host tests for the guest kernel's file system: the cpio
# reader, the ramfs with path lookup and the initrd loader, the pipe ring,
# the console's line discipline.
UNIT_TESTS += test_guest_cpio test_guest_path test_guest_pipe test_guest_tty

unit_src_test_guest_cpio := guest-port/kernel/cpio.c
unit_src_test_guest_pipe := guest-port/kernel/pipebuf.c
unit_src_test_guest_tty  := guest-port/kernel/tty.c
unit_src_test_guest_path := guest-port/kernel/vfs.c guest-port/kernel/ramfs.c \
	guest-port/kernel/initrd.c guest-port/kernel/cpio.c

# The kernel's headers (defs.h declares the string functions with libc's
# signatures, so the host's libc stands in for lib.c).  The physmap is the
# test's frame arena: guest_fs_host.h makes pfn_to_va the test's function.
guest_fs_inc  := -Iguest-port/kernel -Iguest-port/include
guest_fs_phys := -include tests/unit/guest_fs_host.h

unit_defs_guest-port/kernel/cpio.c      := $(guest_fs_inc)
unit_defs_guest-port/kernel/pipebuf.c   := $(guest_fs_inc)
unit_defs_guest-port/kernel/vfs.c       := $(guest_fs_inc) $(guest_fs_phys)
unit_defs_guest-port/kernel/ramfs.c     := $(guest_fs_inc) $(guest_fs_phys)
unit_defs_guest-port/kernel/initrd.c    := $(guest_fs_inc) $(guest_fs_phys)
unit_defs_guest-port/kernel/tty.c       := $(guest_fs_inc)
unit_defs_tests/unit/test_guest_tty.c   := $(guest_fs_inc)
unit_defs_tests/unit/test_guest_cpio.c  := $(guest_fs_inc)
unit_defs_tests/unit/test_guest_pipe.c  := $(guest_fs_inc)
unit_defs_tests/unit/test_guest_path.c  := $(guest_fs_inc) $(guest_fs_phys)
