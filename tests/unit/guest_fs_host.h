/*
 * guest_fs_host.h - forced into the guest file-system sources (-include)
 * for test_guest_path: the physmap becomes the test's frame arena, which
 * test_guest_path.c provides as fs_test_pfn_to_va().
 */
#ifndef GUEST_FS_HOST_H
#define GUEST_FS_HOST_H

#include <stdint.h>

void *fs_test_pfn_to_va(uint64_t pfn);

#define pfn_to_va(pfn) fs_test_pfn_to_va(pfn)

#endif
