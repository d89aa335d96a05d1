# guest.mk - the ported guest kernel, its C library and user programs.
#
# Included by the top-level Makefile.  Produces
#   build/guest/kernel-native.elf   Multiboot2, boots by itself under QEMU
#   build/guest/kernel-pv.elf       a Paravane PV guest (dom0 or domU)
#   build/guest/initrd.cpio         init, sh, the utilities, tests, benchmarks
# The portable kernel (guest-port/kernel/*.c) is compiled twice, once per
# backend, from the same source with the same flags; only the HAL differs.

GUEST_BUILD := $(BUILD)/guest

GK_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fno-stack-protector \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -mno-sse -mno-mmx \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fcf-protection=none \
	-Iguest-port/kernel -Iguest-port/include -MMD -MP
GK_ASFLAGS := -Iguest-port/kernel -Iguest-port/include -MMD -MP -D__ASSEMBLY__
GK_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --no-dynamic-linker

GK_KERNEL_C := $(sort $(wildcard guest-port/kernel/*.c))

# Each backend fragment sets GK_<backend>_SRC (C and .S), GK_<backend>_LD
# and GK_<backend>_CFLAGS, and may add rules.
-include guest-port/arch/native/native.mk
-include guest-port/arch/pv/pv.mk
-include guest-port/libc/libc.mk
-include guest-port/user/user.mk

define gk_backend
GK_$(1)_OBJ := $$(GK_KERNEL_C:%.c=$(GUEST_BUILD)/$(2)/%.o) \
	$$(patsubst %.c,$(GUEST_BUILD)/$(2)/%.o,$$(filter %.c,$$(GK_$(1)_SRC))) \
	$$(patsubst %.S,$(GUEST_BUILD)/$(2)/%.o,$$(filter %.S,$$(GK_$(1)_SRC)))

$(GUEST_BUILD)/$(2)/%.o: %.c Makefile guest-port/guest.mk | $(BUILD)/.deps-build
	@mkdir -p $$(dir $$@)
	@echo "  CC [$(2)] $$<"
	@$$(CC) $$(GK_CFLAGS) $$(GK_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_BUILD)/$(2)/%.o: %.S Makefile guest-port/guest.mk | $(BUILD)/.deps-build
	@mkdir -p $$(dir $$@)
	@echo "  AS [$(2)] $$<"
	@$$(CC) $$(GK_ASFLAGS) $$(GK_$(1)_CFLAGS) -c $$< -o $$@

$(GUEST_BUILD)/kernel-$(2).elf: $$(GK_$(1)_OBJ) $$(GK_$(1)_LD)
	@echo "  LD      $$@"
	@$$(LD) $$(GK_LDFLAGS) -T $$(GK_$(1)_LD) -o $$@ $$(GK_$(1)_OBJ)

-include $$(GK_$(1)_OBJ:.o=.d)
endef

ifneq ($(GK_NATIVE_SRC),)
$(eval $(call gk_backend,NATIVE,native))
GUEST_TARGETS += $(GUEST_BUILD)/kernel-native.elf
endif
ifneq ($(GK_PV_SRC),)
$(eval $(call gk_backend,PV,pv))
GUEST_TARGETS += $(GUEST_BUILD)/kernel-pv.elf
endif

.PHONY: guest
guest: $(GUEST_TARGETS)
