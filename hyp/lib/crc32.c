/*
 * crc32.c - CRC-32 as zlib computes it (reflected polynomial 0xEDB88320,
 * initial value and final xor 0xFFFFFFFF).
 *
 * Four bits at a time with a 16-entry table: 64 bytes of table instead of
 * zlib's 1 KiB, and still fast enough to check boot modules once.
 */
#include "crc32.h"

static const uint32_t crc_nibble[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
    0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
    0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t
crc32(uint32_t crc, const void *buf, size_t n)
{
    const unsigned char *p = buf;

    /* zlib keeps the running value un-inverted between calls, so continuing works. */
    crc = ~crc;
    while (n-- > 0) {
        crc ^= *p++;
        crc = (crc >> 4) ^ crc_nibble[crc & 0xF];
        crc = (crc >> 4) ^ crc_nibble[crc & 0xF];
    }
    return ~crc;
}
