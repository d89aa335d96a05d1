# libc.mk - newlib and the glue that puts it on the guest kernel's system
# calls.  Included by guest-port/guest.mk.
#
# Produces
#   build/newlib/x86_64-elf/{include,lib}  newlib 3.3.0 (build-newlib.sh, cached)
#   build/guest/libc/crt0.o                _start
#   build/guest/libc/libguest.a            the system-call glue
# and, for guest-port/user/user.mk, the flags every user program is
# compiled (ULIBC_CFLAGS) and linked (ULIBC_LINK) with.
#
# newlib is rebuilt only when its inputs change: build-newlib.sh runs on
# every make, hashes itself (it holds every flag), the tarball and the
# compiler version, and exits at once when they match what is installed.
# It touches $(NEWLIB_STAMP) only after a real rebuild, so everything that
# depends on the stamp is remade only then.

NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_PREFIX  := $(BUILD)/newlib
NEWLIB_STAMP   := $(NEWLIB_PREFIX)/.installed
NEWLIB_INC     := $(NEWLIB_PREFIX)/x86_64-elf/include
NEWLIB_LIBC    := $(NEWLIB_PREFIX)/x86_64-elf/lib/libc.a
NEWLIB_LIBM    := $(NEWLIB_PREFIX)/x86_64-elf/lib/libm.a

LIBC_DIR   := guest-port/libc
LIBC_BUILD := $(GUEST_BUILD)/libc
LIBC_CRT0  := $(LIBC_BUILD)/crt0.o
LIBC_GLUE  := $(LIBC_BUILD)/libguest.a
LIBC_LD    := $(LIBC_DIR)/user.ld

ULIBGCC  := $(shell $(CC) -print-libgcc-file-name)
UGCC_INC := $(shell $(CC) -print-file-name=include)

# User programs are hosted C11 + POSIX on newlib, not on glibc:
#   -nostdinc, then the glue's headers (sys/dirent.h, sys/mman.h, guest.h),
#   newlib's, and gcc's own (stddef.h, stdarg.h) last;
#   _POSIX_TIMERS/_POSIX_MONOTONIC_CLOCK make newlib's <time.h> declare
#   clock_gettime and nanosleep and define CLOCK_MONOTONIC, which it leaves
#   out for a target it knows nothing about;
#   the Linux macros go, as in the newlib build, so no header takes a Linux path;
#   position-dependent, no stack protector or CET (newlib provides neither
#   __stack_chk_guard's setup nor anything CET needs), no red zone, like newlib;
#   one section per function, so --gc-sections keeps the programs small.
ULIBC_CFLAGS := -std=c11 -D_DEFAULT_SOURCE \
	-D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L \
	-O2 -Wall -Wextra -Werror \
	-nostdinc -I$(LIBC_DIR)/include -isystem $(NEWLIB_INC) -idirafter $(UGCC_INC) \
	-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix \
	-fno-pic -fno-pie -fno-stack-protector -fcf-protection=none -mno-red-zone \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-MMD -MP

# Static, at 0x400000 (user.ld), newlib by full path so nothing of the
# host's C library can slip in; the group resolves glue <-> libc cycles.
ULIBC_LDFLAGS := -nostdlib -static -T $(LIBC_LD) -z max-page-size=4096 \
	-z noexecstack --gc-sections --no-dynamic-linker
ULIBC_LIBS := --start-group $(LIBC_GLUE) $(NEWLIB_LIBC) $(NEWLIB_LIBM) $(ULIBGCC) --end-group
# What a program's link depends on.
ULIBC_DEPS := $(LIBC_CRT0) $(LIBC_GLUE) $(LIBC_LD) $(NEWLIB_STAMP)
# $(call ULIBC_LINK,output,objects)
ULIBC_LINK = $(LD) $(ULIBC_LDFLAGS) -o $(1) $(LIBC_CRT0) $(2) $(ULIBC_LIBS)

# newlib: run the cached build (see above).  A missing tarball means the
# newlib-source package is missing: install it the way `make deps` would.
.PHONY: newlib newlib-check
newlib: $(NEWLIB_STAMP)
newlib-check:
$(NEWLIB_STAMP): $(LIBC_DIR)/build-newlib.sh newlib-check | $(BUILD)/.deps-build
	@test -f $(NEWLIB_TARBALL) || sh mk/deps.sh newlib-source
	@sh $(LIBC_DIR)/build-newlib.sh $(NEWLIB_TARBALL) $(NEWLIB_PREFIX)

# The glue: every .c and .S here except crt0 goes into libguest.a, so a
# program links only the calls it uses.  abi_check.c emits no code; it is
# compiled for its _Static_asserts.
LIBC_GLUE_SRC := $(filter-out $(LIBC_DIR)/crt0.S, \
	$(sort $(wildcard $(LIBC_DIR)/*.c $(LIBC_DIR)/*.S)))
LIBC_GLUE_OBJ := $(patsubst $(LIBC_DIR)/%,$(LIBC_BUILD)/%.o,$(LIBC_GLUE_SRC))

$(LIBC_BUILD)/%.c.o: $(LIBC_DIR)/%.c $(NEWLIB_STAMP) $(LIBC_DIR)/libc.mk
	@mkdir -p $(dir $@)
	@echo "  CC [libc] $<"
	@$(CC) $(ULIBC_CFLAGS) -Iguest-port/include -c $< -o $@

$(LIBC_BUILD)/%.S.o: $(LIBC_DIR)/%.S $(NEWLIB_STAMP) $(LIBC_DIR)/libc.mk
	@mkdir -p $(dir $@)
	@echo "  AS [libc] $<"
	@$(CC) $(ULIBC_CFLAGS) -Iguest-port/include -D__ASSEMBLY__ -c $< -o $@

$(LIBC_CRT0): $(LIBC_BUILD)/crt0.S.o
	@cp $< $@

$(LIBC_GLUE): $(LIBC_GLUE_OBJ)
	@echo "  AR      $@"
	@rm -f $@
	@$(AR) rcs $@ $^

GUEST_TARGETS += $(LIBC_CRT0) $(LIBC_GLUE)

-include $(LIBC_GLUE_OBJ:.o=.d) $(LIBC_BUILD)/crt0.S.d
