#!/bin/sh
# build-newlib.sh TARBALL PREFIX - build newlib 3.3.0 for the guest's user
# programs and install it under PREFIX (headers in PREFIX/x86_64-elf/include,
# libc.a and libm.a in PREFIX/x86_64-elf/lib).
#
# Cached: the build is keyed by a hash of its inputs (this script, which
# holds every flag, the tarball and the host compiler's version).  PREFIX/.key
# holds the key of what is installed and PREFIX/.installed is touched only
# when newlib is (re)installed, so the Makefile can run this script on every
# `make` (it exits at once when nothing changed) and relink the programs only
# after a real rebuild.
#
# No cross compiler is installed: newlib's configure finds the x86_64-elf-*
# tool names as thin wrappers around the host gcc and binutils.  The compiler
# wrapper keeps glibc out (-nostdinc, gcc's own headers via -idirafter),
# builds position-dependent code without stack protector or CET, and drops
# the Linux macros so newlib does not take its Linux paths.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 TARBALL PREFIX" >&2
    exit 2
fi
tarball=$1
mkdir -p "$2"
prefix=$(cd "$2" && pwd)
script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# What goes into every object of libc.a and libm.a.
#   -UMISSING_SYSCALL_NAMES  call _read/_write/_sbrk..., the names the glue defines
#   -DSIGNAL_PROVIDED        signal() and raise() are the kernel's (the glue), not
#                            newlib's user-space emulation
#   -ffunction/data-sections lets programs link with --gc-sections
NEWLIB_CFLAGS="-O2 -ffunction-sections -fdata-sections -UMISSING_SYSCALL_NAMES -DSIGNAL_PROVIDED"
WRAP_CFLAGS="-fno-pic -fno-pie -fno-stack-protector -fcf-protection=none -mno-red-zone \
-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix"
CONFIGURE_ARGS="--target=x86_64-elf --disable-multilib --disable-nls \
--enable-newlib-io-long-long --enable-newlib-io-c99-formats \
--disable-newlib-nano-malloc --disable-newlib-nano-formatted-io \
--disable-newlib-supplied-syscalls"

if [ ! -f "$tarball" ]; then
    echo "newlib: $tarball is missing (Debian package newlib-source)" >&2
    exit 1
fi

key=$( { cat "$script" "$tarball"; gcc -dumpfullversion; ld --version | head -n 1; } |
       sha256sum | cut -c1-16)
if [ -f "$prefix/.key" ] && [ "$(cat "$prefix/.key")" = "$key" ] &&
   [ -f "$prefix/x86_64-elf/lib/libc.a" ] && [ -f "$prefix/.installed" ]; then
    exit 0
fi

echo "  NEWLIB  building newlib 3.3.0 (key $key, 1-2 minutes, log in $prefix.log)"
work="$prefix.work"
rm -rf "$work" "$prefix/x86_64-elf" "$prefix/.key" "$prefix/.installed"
mkdir -p "$work/bin" "$work/obj"
log="$prefix.log"
: > "$log"

# The cross tool names.
gccinc=$(gcc -print-file-name=include)
for t in gcc cc; do
    cat > "$work/bin/x86_64-elf-$t" <<EOF
#!/bin/sh
exec gcc -nostdinc -idirafter $gccinc $WRAP_CFLAGS "\$@"
EOF
done
cat > "$work/bin/x86_64-elf-cpp" <<EOF
#!/bin/sh
exec cpp -nostdinc -idirafter $gccinc -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix "\$@"
EOF
chmod +x "$work/bin/"*
for t in ar as ld nm objcopy objdump ranlib readelf strip; do
    ln -s "$(command -v $t)" "$work/bin/x86_64-elf-$t"
done

fail() {
    echo "newlib: $1 failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
}

tar -xJf "$tarball" -C "$work" || fail "unpacking"
src=$(find "$work" -mindepth 2 -maxdepth 2 -name configure -path '*/newlib*' | head -n 1)
src=$(dirname "$src")

(
    cd "$work/obj"
    export PATH="$work/bin:$PATH"
    # shellcheck disable=SC2086
    "$src/configure" --prefix="$prefix" $CONFIGURE_ARGS \
        CFLAGS_FOR_TARGET="$NEWLIB_CFLAGS" >>"$log" 2>&1 || exit 10
    make -j2 all-target-newlib >>"$log" 2>&1 || exit 11
    make install-target-newlib >>"$log" 2>&1 || exit 12
) || case $? in
    10) fail "configure" ;;
    11) fail "make" ;;
    *)  fail "make install" ;;
esac

lib="$prefix/x86_64-elf/lib"
[ -f "$lib/libc.a" ] && [ -f "$lib/libm.a" ] || fail "install (no libc.a/libm.a)"
# stdio reaches the system through _read_r -> _read (and _write, _sbrk...).
# If it called read instead, -UMISSING_SYSCALL_NAMES did not take.
if ! nm -A "$lib/libc.a" 2>/dev/null | grep -q 'readr\.o: *U _read$'; then
    fail "the syscall-name check (_read_r does not call _read)"
fi

rm -rf "$work"
echo "$key" > "$prefix/.key"
touch "$prefix/.installed"
echo "  NEWLIB  installed in $prefix"
