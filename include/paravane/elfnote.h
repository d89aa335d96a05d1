/*
 * elfnote.h - how a PV kernel marks itself.  The hypervisor (for dom0)
 * and the domain builder refuse an ELF without a note named "Paravane" of
 * type PV_ELFNOTE_ABI whose 4-byte value is PARAVANE_INTERFACE_VERSION:
 * a native kernel would crash at its first privileged instruction.
 *
 *   .section .note.paravane, "a"
 *   .balign 4
 *   .long 9, 4, PV_ELFNOTE_ABI      # namesz ("Paravane\0"), descsz, type
 *   .asciz "Paravane"
 *   .balign 4
 *   .long PARAVANE_INTERFACE_VERSION
 */
#ifndef PARAVANE_ELFNOTE_H
#define PARAVANE_ELFNOTE_H

#define PV_ELFNOTE_NAME      "Paravane"
#define PV_ELFNOTE_ABI       1       /* uint32: interface version */
#define PV_ELFNOTE_GUEST_OS  2       /* string: the kernel's name, for logs */

#endif
