# native.mk - the native (bare x86-64, Multiboot2) HAL backend.
# Included by guest-port/guest.mk, which builds build/guest/kernel-native.elf.

GK_NATIVE_DIR := guest-port/arch/native
GK_NATIVE_SRC := \
	$(GK_NATIVE_DIR)/start.S \
	$(GK_NATIVE_DIR)/trapentry.S \
	$(GK_NATIVE_DIR)/boot.c \
	$(GK_NATIVE_DIR)/console.c \
	$(GK_NATIVE_DIR)/gdt.c \
	$(GK_NATIVE_DIR)/trap.c \
	$(GK_NATIVE_DIR)/apic.c \
	$(GK_NATIVE_DIR)/time.c \
	$(GK_NATIVE_DIR)/pmap.c \
	$(GK_NATIVE_DIR)/context.c \
	$(GK_NATIVE_DIR)/power.c
GK_NATIVE_LD := $(GK_NATIVE_DIR)/kernel.ld
GK_NATIVE_CFLAGS := -I$(GK_NATIVE_DIR)
