/* test_crc32.c - hyp/lib/crc32.c against known vectors and a bit-at-a-time reference. */
#include <stdint.h>
#include "unit.h"
#include "crc32.h"

/* The textbook definition, one bit at a time, as an independent reference. */
static uint32_t
crc32_bitwise(const void *buf, size_t n)
{
    const unsigned char *p = buf;
    uint32_t crc = 0xFFFFFFFFu;

    while (n-- > 0) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

static void
test_known_vectors(void)
{
    CHECK_EQ_U(crc32(0, "123456789", 9), 0xCBF43926u);
    CHECK_EQ_U(crc32(0, "", 0), 0);
    CHECK_EQ_U(crc32(0, "a", 1), 0xE8B7BE43u);
    CHECK_EQ_U(crc32(0, "abc", 3), 0x352441C2u);
    CHECK_EQ_U(crc32(0, "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);

    unsigned char zeros[32] = { 0 }, ones[32];
    memset(ones, 0xFF, sizeof(ones));
    CHECK_EQ_U(crc32(0, zeros, sizeof(zeros)), 0x190A55ADu);
    CHECK_EQ_U(crc32(0, ones, sizeof(ones)), 0xFF6CAB0Bu);
}

static void
test_continuation(void)
{
    const char *s = "The quick brown fox jumps over the lazy dog";

    /* Any split must give the one-shot value, as with zlib. */
    for (size_t cut = 0; cut <= 43; cut++) {
        uint32_t c = crc32(0, s, cut);
        c = crc32(c, s + cut, 43 - cut);
        CHECK_EQ_U(c, 0x414FA339u);
    }
    /* Continuing with nothing changes nothing. */
    CHECK_EQ_U(crc32(0xCBF43926u, "", 0), 0xCBF43926u);
}

static void
test_random_against_reference(void)
{
    static unsigned char buf[4096];
    uint64_t x = 0x0123456789abcdefull;

    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (unsigned char)(x >> 56);
    }
    for (size_t n = 0; n < sizeof(buf); n += 97)
        CHECK_EQ_U(crc32(0, buf, n), crc32_bitwise(buf, n));
    CHECK_EQ_U(crc32(0, buf, sizeof(buf)), crc32_bitwise(buf, sizeof(buf)));
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_known_vectors),
    UNIT_CASE(test_continuation),
    UNIT_CASE(test_random_against_reference),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
