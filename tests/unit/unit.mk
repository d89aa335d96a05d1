# unit.mk - host unit tests for the hypervisor's pure-logic modules.
#
# Included by the top-level Makefile; also works on its own, from the
# repository root:   make -f tests/unit/unit.mk unit
#
# Each test is tests/unit/<name>.c, linked with the real sources it tests
# (unit_src_<name>) into build/unit/<name>, under ASan and UBSan.  format.c
# and string.c define names libc also has, so they are compiled with
# renaming defines (unit_defs_<source>) and their tests call hyp_*.

# Keep whatever default goal the including Makefile has (restored at the end).
unit_saved_goal := $(.DEFAULT_GOAL)

HOSTCC     ?= gcc
UNIT_DIR   ?= build/unit
UNIT_CFLAGS ?= -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -iquote hyp/include -Iinclude

UNIT_TESTS ?= test_format test_string test_crc32 test_options \
	test_multiboot2 test_frame test_buddy test_logbuf test_elf64 \
	test_pagetype test_evtchn test_sched_sim

unit_src_test_format     := hyp/lib/format.c
unit_src_test_string     := hyp/lib/string.c
unit_src_test_crc32      := hyp/lib/crc32.c
unit_src_test_options    := hyp/lib/options.c
unit_src_test_multiboot2 := hyp/boot/multiboot2.c
unit_src_test_frame      := hyp/mm/frame.c
unit_src_test_buddy      := hyp/mm/buddy.c hyp/mm/frame.c
unit_src_test_logbuf     := hyp/console/logbuf.c
unit_src_test_elf64      := hyp/lib/elf64.c
unit_src_test_pagetype   := hyp/mm/pagetype.c hyp/mm/frame.c
unit_src_test_evtchn     := hyp/core/evtchn.c hypercalls/event_channel.c
unit_src_test_sched_sim  := sched/credit.c sched/credit_runq.c sched/rr.c

# domain.h includes <asm/traps.h>: these sources need the arch headers too.
unit_defs_hyp/core/evtchn.c          := -Ihyp/arch/x86/include
unit_defs_hypercalls/event_channel.c := -Ihyp/arch/x86/include
unit_defs_tests/unit/test_evtchn.c   := -Ihyp/arch/x86/include
unit_defs_sched/credit.c             := -Ihyp/arch/x86/include
unit_defs_sched/credit_runq.c        := -Ihyp/arch/x86/include
unit_defs_sched/rr.c                 := -Ihyp/arch/x86/include
unit_defs_tests/unit/test_sched_sim.c := -Ihyp/arch/x86/include -I.

unit_defs_hyp/lib/format.c := -Dvsnprintf=hyp_vsnprintf -Dsnprintf=hyp_snprintf
unit_defs_hyp/lib/string.c := -Dmemcpy=hyp_memcpy -Dmemmove=hyp_memmove \
	-Dmemset=hyp_memset -Dmemcmp=hyp_memcmp -Dstrlen=hyp_strlen \
	-Dstrnlen=hyp_strnlen -Dstrcmp=hyp_strcmp -Dstrncmp=hyp_strncmp \
	-Dstrchr=hyp_strchr -Dstrlcpy=hyp_strlcpy

# The guest kernel's host tests live in their own fragments, one per area.
-include $(sort $(wildcard tests/unit/guest_*.mk))

unit_bins := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))

.PHONY: unit unit-build unit-clean

unit-build: $(unit_bins)

# Run every test even if an earlier one fails; fail at the end.
unit: unit-build
	@status=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; $(UNIT_DIR)/$$t || status=1; \
	done; exit $$status

unit-clean:
	rm -rf $(UNIT_DIR)

# Objects mirror their source paths under $(UNIT_DIR)/obj.
$(UNIT_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $(unit_defs_$<) -MMD -MP -c -o $@ $<

define unit_link_rule
$(UNIT_DIR)/$(1): $(UNIT_DIR)/obj/tests/unit/$(1).o \
		$(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(unit_src_$(1)))
	$$(HOSTCC) $$(UNIT_CFLAGS) -o $$@ $$^
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_link_rule,$(t))))

-include $(shell find $(UNIT_DIR)/obj -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(unit_saved_goal)
