/*
 * asm.h - constants shared by the library's assembly and C.  The public
 * headers (paravane.h ...) declare structures, so assembly cannot include
 * them; lib.c checks that these copies agree (_Static_assert).
 */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#define GUEST_NOTE_VERSION  0x00000001      /* PARAVANE_INTERFACE_VERSION */
#define GUEST_KERNEL_CS     0x19            /* PV_KERNEL_CS */
#define GUEST_KERNEL_DS     0x21            /* PV_KERNEL_DS */
#define GUEST_USER_CS       0x33            /* PV_USER_CS */
#define GUEST_USER_DS       0x2b            /* PV_USER_DS */

/* Pseudo-vectors in struct exc_frame for the callbacks. */
#define VEC_EVENT           0x100
#define VEC_FAILSAFE        0x101

#endif
