# guest_mm.mk - host tests for the guest kernel's memory code:
# page.c, kmalloc.c, vm.c, uaccess.c (test_guest_vm) and lib.c, printk.c
# (test_guest_lib).
UNIT_TESTS += test_guest_vm test_guest_lib

# The physmap is a heap arena on the host: guest_mm_host.h redefines
# pfn_to_va/va_to_pfn before hal.h is seen.
guest_mm_defs := -Iguest-port/kernel -Iguest-port/include \
	-include tests/unit/guest_mm_host.h

unit_src_test_guest_vm := guest-port/kernel/page.c guest-port/kernel/kmalloc.c \
	guest-port/kernel/vm.c guest-port/kernel/uaccess.c
unit_defs_guest-port/kernel/kmalloc.c    := $(guest_mm_defs)
unit_defs_guest-port/kernel/vm.c         := $(guest_mm_defs)
unit_defs_guest-port/kernel/uaccess.c    := $(guest_mm_defs)
unit_defs_tests/unit/test_guest_vm.c     := $(guest_mm_defs)

unit_defs_guest-port/kernel/page.c       := $(guest_mm_defs)

# lib.c defines libc's names: compiled with them renamed to gk_*, as is
# printk.c (its caller), so the sanitizers' libc stays
# untouched.  page.c (for page_va_is_ram) keeps using the host's memset.
guest_lib_renames := -Dmemcpy=gk_memcpy -Dmemmove=gk_memmove -Dmemset=gk_memset \
	-Dmemcmp=gk_memcmp -Dstrlen=gk_strlen -Dstrnlen=gk_strnlen \
	-Dstrcmp=gk_strcmp -Dstrncmp=gk_strncmp -Dstrncpy=gk_strncpy \
	-Dstrlcpy=gk_strlcpy -Dvsnprintf=gk_vsnprintf -Dsnprintf=gk_snprintf

unit_src_test_guest_lib := guest-port/kernel/lib.c guest-port/kernel/printk.c \
	guest-port/kernel/page.c
unit_defs_guest-port/kernel/lib.c     := $(guest_mm_defs) $(guest_lib_renames)
unit_defs_guest-port/kernel/printk.c  := $(guest_mm_defs) $(guest_lib_renames)
unit_defs_tests/unit/test_guest_lib.c := $(guest_mm_defs)
