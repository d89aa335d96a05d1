# Paravane - the one entry point.  See README.md.
#
#   make            build build/paravane.elf
#   make iso        build/paravane.iso (GRUB, Multiboot2)
#   make run        boot the ISO in QEMU to dom0's shell, serial console on stdio
#   make run-native the guest kernel alone (its native build), same console
#   make test       every test; ends with "N passed, N failed"
#   make bench      the measurements in docs/benchmarks.md
#   make deps       install the Debian packages the build needs
#   make clean
#
# Variables: SMP=4 MEM=1G ACCEL=tcg|kvm CPU=qemu64 HYP_ARGS="loglvl=7 ..."
#            DOM0_ARGS="..." (dom0's command line: init=PATH, then init's arguments)

SMP   ?= 4
MEM   ?= 1G
ACCEL ?= tcg
CPU   ?= qemu64
HYP_ARGS ?=
DOM0_ARGS ?=

BUILD := build
CC    := gcc
LD    := ld
NM    := nm

BUILD_DEPS := gcc make binutils grub-pc-bin grub-common xorriso mtools \
	newlib-source cpio
RUN_DEPS   := qemu-system-x86
TEST_DEPS  := python3 python3-pexpect

HYP_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fno-stack-protector \
	-fpie -fno-plt -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx \
	-include hyp/include/compiler.h \
	-Ihyp/include -Ihyp/arch/x86/include -Iinclude -I. -MMD -MP
HYP_ASFLAGS := -Ihyp/arch/x86/include -Ihyp/include -MMD -MP -D__ASSEMBLY__
HYP_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-dynamic-linker -T hyp/arch/x86/hyp.ld

HYP_C := $(sort $(wildcard hyp/*/*.c hyp/arch/x86/*.c hypercalls/*.c sched/*.c))
HYP_S := $(sort $(wildcard hyp/arch/x86/*.S))
HYP_OBJ := $(HYP_C:%.c=$(BUILD)/%.o) $(HYP_S:%.S=$(BUILD)/%.o)

.PHONY: all iso run test bench deps clean unit
all: $(BUILD)/paravane.elf guest

deps:
	@sh mk/deps.sh $(BUILD_DEPS) $(RUN_DEPS) $(TEST_DEPS)

$(BUILD)/.deps-build: mk/deps.sh
	@sh mk/deps.sh $(BUILD_DEPS)
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c Makefile | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(HYP_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S Makefile | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(HYP_ASFLAGS) -c $< -o $@

# Backtraces need symbol names: link once, list the text symbols, assemble
# them into a table (hyp/arch/x86/symtab.sh) and link again.  The table sits
# last in .rodata, so the second link moves no code; check that it didn't.
$(BUILD)/paravane.elf: $(HYP_OBJ) hyp/arch/x86/hyp.ld mk/symtab.sh
	@echo "  LD      $@"
	@sh mk/symtab.sh --empty > $(BUILD)/symtab0.S
	@$(CC) $(HYP_ASFLAGS) -c $(BUILD)/symtab0.S -o $(BUILD)/symtab0.o
	@$(LD) $(HYP_LDFLAGS) -o $(BUILD)/paravane.pass1.elf $(HYP_OBJ) $(BUILD)/symtab0.o
	@sh mk/symtab.sh $(BUILD)/paravane.pass1.elf > $(BUILD)/symtab.S
	@$(CC) $(HYP_ASFLAGS) -c $(BUILD)/symtab.S -o $(BUILD)/symtab.o
	@$(LD) $(HYP_LDFLAGS) -o $@ $(HYP_OBJ) $(BUILD)/symtab.o
	@sh mk/symtab.sh $@ | cmp -s - $(BUILD)/symtab.S || \
		{ echo "symtab: code moved between link passes"; rm -f $@; exit 1; }

# The guest kernel, its C library and user programs (build/guest/).
-include guest-port/guest.mk

# The ISO: GRUB with our grub.cfg, the hypervisor, dom0 (the guest
# kernel's PV build, DOM0_ARGS on its command line) and dom0's initrd.
# tests/system builds its own ISOs with other command lines and modules.
iso: $(BUILD)/paravane.iso
$(BUILD)/paravane.iso: $(BUILD)/paravane.elf $(GUEST_BUILD)/kernel-pv.elf $(GUEST_BUILD)/initrd.cpio mk/mkiso.sh FORCE
	@sh mk/mkiso.sh $@ "$(HYP_ARGS)" $(GUEST_BUILD)/kernel-pv.elf "$(DOM0_ARGS)" $(GUEST_BUILD)/initrd.cpio ""

# The guest kernel's native build alone, GRUB and the initrd, no hypervisor.
$(BUILD)/native.iso: $(GUEST_BUILD)/kernel-native.elf $(GUEST_BUILD)/initrd.cpio FORCE
	@sh guest-port/arch/native/mkiso.sh $@ $(GUEST_BUILD)/kernel-native.elf $(GUEST_BUILD)/initrd.cpio "$(DOM0_ARGS)"

QEMU_ACCEL := -accel $(ACCEL)
QEMU_RUN = qemu-system-x86_64 $(QEMU_ACCEL) -cpu $(CPU) -smp $(SMP) -m $(MEM) \
		-cdrom $< -boot d -display none -no-reboot -nic none \
		-chardev stdio,id=ser0,signal=off -serial chardev:ser0 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
# Ctrl-C goes to the guest (signal=off); quit QEMU with Ctrl-A X.
run: $(BUILD)/paravane.iso
	@sh mk/deps.sh $(RUN_DEPS)
	@echo "Booting Paravane; dom0's shell comes up on this console.  Quit QEMU: Ctrl-A then X."
	$(QEMU_RUN)

run-native: $(BUILD)/native.iso
	@sh mk/deps.sh $(RUN_DEPS)
	@echo "Booting the guest kernel natively.  Quit QEMU: Ctrl-A then X."
	$(QEMU_RUN)

.PHONY: FORCE run-native
FORCE:

-include tests/unit/unit.mk
-include tests/guests/guests.mk

test: $(BUILD)/paravane.elf guests guest
	@sh mk/deps.sh $(RUN_DEPS) $(TEST_DEPS)
	@/usr/bin/python3 tests/run.py --accel $(ACCEL) --cpu $(CPU)

bench: $(BUILD)/paravane.elf guests guest
	@sh mk/deps.sh $(RUN_DEPS) $(TEST_DEPS)
	@/usr/bin/python3 tests/bench/run.py --accel $(ACCEL) --cpu $(CPU)

clean:
	rm -rf $(BUILD)

-include $(HYP_OBJ:.o=.d)
