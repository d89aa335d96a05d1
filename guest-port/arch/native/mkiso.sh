#!/bin/sh
# mkiso.sh OUT.iso KERNEL INITRD "CMDLINE"
# Make a GRUB rescue ISO that boots the native guest kernel via Multiboot2,
# with INITRD as its first module (the cpio initrd), on the serial console,
# at once.  INITRD may be "" for none.
set -e
if [ $# -lt 3 ]; then
    echo "usage: $0 OUT.iso KERNEL INITRD [CMDLINE]" >&2
    exit 2
fi
out=$1; kernel=$2; initrd=$3; cmdline=${4-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/guest-iso.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/kernel.elf"
[ -n "$initrd" ] && cp "$initrd" "$dir/boot/initrd.cpio"
{
    echo 'serial --unit=0 --speed=115200'
    echo 'terminal_input serial console'
    echo 'terminal_output serial console'
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'menuentry "guest kernel (native)" {'
    echo "    multiboot2 /boot/kernel.elf $cmdline"
    [ -n "$initrd" ] && echo '    module2 /boot/initrd.cpio initrd'
    echo '    boot'
    echo '}'
} > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || { echo "mkiso: grub-mkrescue failed"; grub-mkrescue -o "$out" "$dir"; exit 1; }
