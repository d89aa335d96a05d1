# guests.mk - the test guests (tests/guests/<name>/main.c), XTF style.
#
# Included by the top-level Makefile; also works on its own, from the
# repository root:   make -f tests/guests/guests.mk guests
#
# Each guest is its main.c linked with the library in tests/guests/lib
# into build/guests/<name>.elf, a PV kernel that dom0's builder loads.
# Everything is built with -mgeneral-regs-only except the guests listed
# in GUEST_SSE, which use SSE on purpose.  After linking, check-elf.sh
# checks the image (ELF64 x86-64, entry in an executable segment, the
# Paravane note in a PT_NOTE inside a loaded segment).

# Keep whatever default goal the including Makefile has (restored at the end).
guests_saved_goal := $(.DEFAULT_GOAL)

GUEST_CC  ?= gcc
GUEST_DIR ?= build/guests
GUEST_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-fno-stack-protector -fno-pie -no-pie -mcmodel=kernel -mno-red-zone \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Iinclude -Itests/guests/lib -MMD -MP
GUEST_ASFLAGS := -Iinclude -Itests/guests/lib -MMD -MP -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--fatal-warnings \
	-Wl,-T,tests/guests/lib/guest.ld

GUEST_SSE := fpu

GUESTS := $(sort $(patsubst tests/guests/%/main.c,%,$(wildcard tests/guests/*/main.c)))
GUEST_LIB_C := $(sort $(wildcard tests/guests/lib/*.c))
GUEST_LIB_S := $(sort $(wildcard tests/guests/lib/*.S))
GUEST_LIB_OBJ := $(GUEST_LIB_C:tests/guests/lib/%.c=$(GUEST_DIR)/lib/%.o) \
	$(GUEST_LIB_S:tests/guests/lib/%.S=$(GUEST_DIR)/lib/%.o)
GUEST_ELFS := $(GUESTS:%=$(GUEST_DIR)/%.elf)

.PHONY: guests guests-clean
guests: $(GUEST_ELFS)

# Keep the objects (pattern rules' products would count as intermediate).
.SECONDARY: $(GUESTS:%=$(GUEST_DIR)/%/main.o) $(GUEST_LIB_OBJ)

guests-clean:
	rm -rf $(GUEST_DIR)

$(GUEST_DIR)/lib/%.o: tests/guests/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(GUEST_CC) $(GUEST_CFLAGS) -mgeneral-regs-only -c $< -o $@

$(GUEST_DIR)/lib/%.o: tests/guests/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(GUEST_CC) $(GUEST_ASFLAGS) -c $< -o $@

# A test's own main.c: SSE only if it is in GUEST_SSE.
$(GUEST_DIR)/%/main.o: tests/guests/%/main.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(GUEST_CC) $(GUEST_CFLAGS) $(if $(filter $*,$(GUEST_SSE)),,-mgeneral-regs-only) -c $< -o $@

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/%/main.o $(GUEST_LIB_OBJ) tests/guests/lib/guest.ld tests/guests/lib/check-elf.sh
	@echo "  LD      $@"
	@$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_LIB_OBJ)
	@sh tests/guests/lib/check-elf.sh $@ || { rm -f $@; exit 1; }

-include $(shell find $(GUEST_DIR) -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(guests_saved_goal)
