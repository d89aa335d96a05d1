#!/bin/sh
# check-elf.sh GUEST.elf - check a linked test guest the way the domain
# builder will look at it: ELF64 x86-64 executable; the entry point inside
# an executable PT_LOAD; a PT_NOTE holding the note "Paravane" of type 1
# (PV_ELFNOTE_ABI) with a 4-byte value, and that note inside a PT_LOAD.
set -e
f=$1
fail() { echo "check-elf: $f: $*" >&2; exit 1; }

hdr=$(readelf -hW "$f") || fail "not an ELF file"
echo "$hdr" | grep -q 'Class: *ELF64' || fail "not ELF64"
echo "$hdr" | grep -q 'Machine: *Advanced Micro Devices X86-64' || fail "not x86-64"
echo "$hdr" | grep -q 'Type: *EXEC' || fail "not an executable"
entry=$(echo "$hdr" | sed -n 's/.*Entry point address: *//p')

# Program headers: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
readelf -lW "$f" | awk -v entry="$entry" '
    function hex(s,   n, i, c) { n = 0; s = tolower(s); sub(/^0x/, "", s)
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; n = n * 16 + c }
        return n }
    $1 == "LOAD" { nl++; lo[nl] = hex($3); hi[nl] = hex($3) + hex($6); fl[nl] = $0 }
    $1 == "NOTE" { nn++; nlo = hex($3); nhi = hex($3) + hex($6) }
    END {
        e = hex(entry); ok = 0
        for (i = 1; i <= nl; i++) if (e >= lo[i] && e < hi[i] && fl[i] ~ / R ?E /) ok = 1
        if (!ok) { print "entry " entry " is not inside an executable PT_LOAD"; exit 1 }
        if (nn != 1) { print nn + 0 " PT_NOTE segments, expected 1"; exit 1 }
        ok = 0
        for (i = 1; i <= nl; i++) if (nlo >= lo[i] && nhi <= hi[i]) ok = 1
        if (!ok) { print "the PT_NOTE is not inside a PT_LOAD"; exit 1 }
    }' >&2 || fail "bad program headers"

notes=$(readelf -nW "$f" 2>&1) || true
echo "$notes" | grep -Eq '^ *Paravane[[:space:]]+0x00000004[[:space:]]+(Unknown note type: \(0x00000001\)|NT_VERSION)' \
    || fail "no Paravane note of type 1 with a 4-byte value:
$notes"
exit 0
