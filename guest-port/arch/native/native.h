/*
 * native.h - interfaces between the files of the native backend (not
 * seen by the portable kernel).
 */
#ifndef NATIVE_H
#define NATIVE_H

#include <stdint.h>
#include <stdbool.h>
#include "hal.h"
#include "mmu.h"

/* Physical address of something in the kernel image. */
#define KVA_TO_PHYS(p)  ((uint64_t)(p) - KERNEL_VBASE)

/* start.S: the master L4 (the kernel's own address space) and the kernel's
 * L3, where apic.c adds its uncached window. */
extern uint64_t boot_l4[512];
extern uint64_t boot_pdpt_high[512];
extern uint64_t kernel_pd[512];
extern char boot_stack_guard[];         /* a page left unmapped */
/* kernel.ld: the image's parts, each page-aligned */
extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

/* boot.c: write a message straight to the console and stop (before
 * the kernel's panic() can be used). */
void boot_die(const char *msg) __attribute__((noreturn));

/* console.c */
void console_init(void);
void console_enable_irq(void);

/* gdt.c */
void gdt_init(void);

/* trap.c */
void idt_init(void);
void native_trap(struct trapframe *tf);

/* trapentry.S: pop tf and iretq (tf is already sanitized). */
void trapret_to(struct trapframe *tf) __attribute__((noreturn));

/* apic.c: the local APIC (timer, EOI) and the 8259 PIC (COM1's IRQ) */
void lapic_init(void);
void lapic_eoi(void);
void lapic_timer_oneshot(uint32_t count);   /* 0 stops the timer */
uint32_t lapic_timer_current(void);
void pic_init(void);
void pic_eoi(unsigned irq);
bool pic_irq_spurious(unsigned irq);

/* context.c: read the CPU's MXCSR mask (after CR4.OSFXSR is set) */
void fpu_probe(void);

/* time.c */
void time_init(void);
/* The APIC timer fired: true if the deadline is reached (deliver T_TIMER),
 * false if it fired early and was rearmed. */
bool timer_fired(void);

/* pmap.c: the final kernel page tables (see there) */
void paging_init(const struct hal_range *ram, int nr_ram,
                 uint64_t (*take_frame)(void));

#endif
