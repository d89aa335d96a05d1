#!/bin/sh
# symtab.sh ELF - print an assembly file holding the text symbols of ELF,
# sorted by address, for backtraces (hyp/core/symbols.c reads it).
# symtab.sh --empty - the same with no symbols, for the first link.
if [ "$1" = --empty ]; then list() { :; }; else list() { nm -n --defined-only "$1"; }; fi
list "$1" | awk 'BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "\t.section .symtab_data, \"a\""
    print "\t.balign 8"
    print "\t.global symtab_count, symtab_addr, symtab_name"
    print "symtab_count:\t.quad " n + 0
    print "symtab_addr:"
    for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
    print "symtab_name:"
    for (i = 0; i < n; i++) print "\t.quad .Ls" i
    for (i = 0; i < n; i++) print ".Ls" i ":\t.asciz \"" name[i] "\""
}'
