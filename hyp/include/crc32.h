/* crc32.h - CRC-32 (IEEE 802.3, as zlib's crc32), to check boot modules. */
#ifndef HYP_CRC32_H
#define HYP_CRC32_H

#include <stdint.h>
#include <stddef.h>

/* Continue a CRC: crc32(0, buf, n) starts one. */
uint32_t crc32(uint32_t crc, const void *buf, size_t n);

#endif
