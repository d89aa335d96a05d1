# pv.mk - the Paravane PV backend of the guest kernel (see pv.h).
# Included by guest-port/guest.mk, which builds build/guest/kernel-pv.elf.

GK_PV_SRC := $(sort $(wildcard guest-port/arch/pv/*.c) $(wildcard guest-port/arch/pv/*.S))
GK_PV_LD := guest-port/arch/pv/kernel.ld
GK_PV_CFLAGS := -Iinclude -Iguest-port/arch/pv
