# user.mk - the user programs and the initrd.  Included by guest-port/guest.mk
# after guest-port/libc/libc.mk, whose ULIBC_* variables it uses.
#
# Convention: a directory that directly holds .c files is one program,
# named after the directory, installed as /bin/<name>:
#     guest-port/user/<name>/*.c            e.g. user/cat/cat.c -> /bin/cat
#     guest-port/user/<group>/<name>/*.c    e.g. user/bench/fork/ -> /bin/fork
# (one level of grouping; a group directory may hold .c files of its own,
# and then it is a program too).  A program is compiled with -I of its own
# directory and of its group, so programs of a group can share headers
# (common code as static inline functions in a header).  Names must be
# unique across all directories.  Nothing needs to be listed anywhere: a
# new directory is picked up by the next make.
#
# guest-port/user/rootfs/ is copied into the initrd as is (etc/motd, ...);
# other files a test needs can go there too.
#
# Produces
#   build/guest/bin/<name>     every program, static ELF at 0x400000
#   build/guest/initrd.cpio    newc archive: /bin/*, /sbin/init, /etc, /tmp,
#                              /dev and /proc (empty: the kernel fills them)

USER_DIR   := guest-port/user
USER_BUILD := $(GUEST_BUILD)/user
USER_BIN   := $(GUEST_BUILD)/bin

# Directories with .c files, at depth 1 and 2.
USER_PROG_DIRS := $(filter-out $(USER_DIR)/rootfs%,$(sort $(patsubst %/,%,$(dir \
	$(wildcard $(USER_DIR)/*/*.c $(USER_DIR)/*/*/*.c)))))
USER_PROGS := $(notdir $(USER_PROG_DIRS))

ifneq ($(words $(USER_PROGS)),$(words $(sort $(USER_PROGS))))
$(error user.mk: two program directories share a name: $(USER_PROG_DIRS))
endif

USER_BINS := $(addprefix $(USER_BIN)/,$(USER_PROGS))

# One program: $(1) its directory, $(2) its name.
define user_program
USER_OBJ_$(2) := $$(patsubst $(USER_DIR)/%.c,$(USER_BUILD)/%.o,$$(sort $$(wildcard $(1)/*.c)))

$(USER_BUILD)/$(patsubst $(USER_DIR)/%,%,$(1))/%.o: $(1)/%.c $(NEWLIB_STAMP) $(USER_DIR)/user.mk $(LIBC_DIR)/libc.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC [user] $$<"
	@$$(CC) $$(ULIBC_CFLAGS) -I$(1) -I$(patsubst %/,%,$(dir $(1))) -c $$< -o $$@

$(USER_BIN)/$(2): $$(USER_OBJ_$(2)) $$(ULIBC_DEPS)
	@mkdir -p $$(dir $$@)
	@echo "  LD [user] $$@"
	@$$(call ULIBC_LINK,$$@,$$(USER_OBJ_$(2)))

-include $$(USER_OBJ_$(2):.o=.d)
endef

$(foreach d,$(USER_PROG_DIRS),$(eval $(call user_program,$(d),$(notdir $(d)))))

# The initrd: rebuilt from scratch in a staging tree each time one of its
# inputs changes; mkinitrd.sh sorts the names and fixes owners and mtimes,
# so the same inputs give the same bytes.
USER_ROOTFS_FILES := $(shell find $(USER_DIR)/rootfs -type f 2>/dev/null)

$(GUEST_BUILD)/initrd.cpio: $(USER_BINS) $(USER_ROOTFS_FILES) \
		$(USER_DIR)/mkinitrd.sh $(USER_DIR)/user.mk | $(BUILD)/.deps-build
	@echo "  CPIO    $@"
	@sh $(USER_DIR)/mkinitrd.sh $@ $(GUEST_BUILD)/initrd.root $(USER_DIR)/rootfs $(USER_BINS)

.PHONY: user
user: $(GUEST_BUILD)/initrd.cpio

GUEST_TARGETS += $(GUEST_BUILD)/initrd.cpio
