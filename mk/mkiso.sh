#!/bin/sh
# mkiso.sh OUT.iso "HYP ARGS" [MODULE-FILE "MODULE ARGS"]...
# Make a GRUB rescue ISO that boots build/paravane.elf via Multiboot2 with
# the given command line and modules, on the serial console, at once.
set -e
out=$1; args=$2; shift 2
dir=$(mktemp -d "${TMPDIR:-/tmp}/paravane-iso.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp build/paravane.elf "$dir/boot/paravane.elf"
{
    echo 'serial --unit=0 --speed=115200'
    echo 'terminal_input serial console'
    echo 'terminal_output serial console'
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'menuentry "Paravane" {'
    echo "    multiboot2 /boot/paravane.elf $args"
    i=0
    while [ $# -ge 2 ]; do
        cp "$1" "$dir/boot/module$i"
        echo "    module2 /boot/module$i $2"
        i=$((i + 1)); shift 2
    done
    echo '    boot'
    echo '}'
} > "$dir/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || { echo "mkiso: grub-mkrescue failed"; grub-mkrescue -o "$out" "$dir"; exit 1; }
