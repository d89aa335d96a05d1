#!/bin/sh
# mkinitrd.sh OUT STAGE SKELETON PROGRAM... - pack the guest's initrd.
#
# Lays out STAGE as the root file system: SKELETON's files (etc/motd...),
# every PROGRAM in /bin, init also as /sbin/init, and the empty /tmp, /dev
# and /proc (the kernel provides /dev/console and the /proc files).  Then
# writes OUT as a newc cpio archive, reproducibly: names sorted in the C
# locale, owner 0:0, every mtime 0, inodes renumbered.  Files are copied,
# never hard-linked, so every entry carries its own data.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 OUT STAGE SKELETON PROGRAM..." >&2
    exit 2
fi
out=$1
stage=$2
skel=$3
shift 3

rm -rf "$stage"
mkdir -p "$stage"
if [ -d "$skel" ]; then
    cp -R "$skel/." "$stage/"
fi
mkdir -p "$stage/bin" "$stage/sbin" "$stage/etc" "$stage/tmp" "$stage/dev" "$stage/proc"

# The symbol tables stay in build/guest/bin for debugging; the initrd,
# which lives in the guest's memory, gets stripped copies.
for prog in "$@"; do
    strip --strip-all -o "$stage/bin/$(basename "$prog")" "$prog"
done
if [ ! -f "$stage/bin/init" ]; then
    echo "mkinitrd: no init program" >&2
    exit 1
fi
cp "$stage/bin/init" "$stage/sbin/init"

find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/bin/"* "$stage/sbin/"*
chmod 1777 "$stage/tmp"
find "$stage" -exec touch -h -d @0 {} +

(cd "$stage" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
    cpio -o -H newc --owner=0:0 --reproducible --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
