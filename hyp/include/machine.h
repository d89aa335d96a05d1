/*
 * machine.h - ending a run: halt, reboot, or leave QEMU through its
 * isa-debug-exit device (port 0xf4; QEMU exits with status (v << 1) | 1).
 */
#ifndef HYP_MACHINE_H
#define HYP_MACHINE_H

#define QEMU_EXIT_PORT   0xf4
#define QEMU_EXIT_PASS   0x10   /* QEMU exit status 33: a self test passed */
#define QEMU_EXIT_FAIL   0x11   /* 35: a self test failed */
#define QEMU_EXIT_PANIC  0x12   /* 37: the hypervisor panicked */

void machine_halt(void) __attribute__((noreturn));
void machine_reboot(void) __attribute__((noreturn));
/* ACPI soft-off (S5) if the firmware tables say how, else halt. */
void machine_poweroff(void) __attribute__((noreturn));
/* Exit QEMU with status (code << 1) | 1; halts if not under QEMU. */
void machine_qemu_exit(int code) __attribute__((noreturn));

#endif
