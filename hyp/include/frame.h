/*
 * frame.h - the frame table: one small record per 4 KiB physical frame.
 *
 * The record says who owns the frame and what it is used as.  The buddy
 * allocator keeps its free lists in these records (never in the free
 * memory itself), and the page-type validation of PV guests (a frame is a
 * page table or writable, never both) lives on the type and counts.
 */
#ifndef HYP_FRAME_H
#define HYP_FRAME_H

#include <stdint.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       4096UL

typedef uint64_t pfn_t;

/* Owners.  Domain ids are 0..DOMID_FIRST_RESERVED-1. */
#define DOMID_FIRST_RESERVED 0x7FF0u
#define DOMID_FREE      0x7FF0u  /* in the buddy allocator */
#define DOMID_HYP       0x7FF1u  /* the hypervisor's own (image, heap, tables) */
#define DOMID_IO        0x7FF2u  /* not RAM, or firmware's: never allocated */
#define DOMID_BOOT      0x7FF3u  /* boot modules, MBI: kept until handed on */

/* Frame types.  Guest page-table types are added by the PV memory code. */
enum frame_type {
    FT_NONE = 0,        /* no particular use */
    FT_WRITABLE,        /* mapped writable somewhere */
    FT_L1, FT_L2, FT_L3, FT_L4,   /* a validated guest page table */
    FT_DESC,            /* descriptor table or shared page */
    FT_HYP_PT,          /* one of the hypervisor's own page tables */
    FT_HEAP,            /* a hypervisor heap page */
};

#define FRAME_NO_ORDER  0xFF

struct frame {
    uint16_t owner;          /* DOMID_* or a domain id */
    uint8_t  type;           /* enum frame_type */
    uint8_t  order;          /* buddy order if the head of a free block, else FRAME_NO_ORDER */
    uint32_t flags;          /* FRAME_F_* */
    union {
        struct {
            uint32_t type_count;  /* uses as 'type' (e.g. as an L1 in N tables) */
            uint32_t ref_count;   /* all references (mappings, pins, ...) */
        } use;
        struct {
            uint32_t next, prev;  /* free list links, as pfn offsets; FRAME_NIL ends */
        } free;
    } u;
};                           /* 16 bytes */

#define FRAME_NIL       0xFFFFFFFFu
#define FRAME_F_PINNED  (1u << 0)   /* pinned page table */

struct frame_table {
    struct frame *frames;    /* frames[pfn - base_pfn] */
    pfn_t base_pfn;
    pfn_t nframes;
};

/*
 * Set up 'ft' over caller-provided storage for 'nframes' records starting
 * at 'base_pfn'.  Every frame starts owned by DOMID_IO (not usable).
 */
void frame_table_init(struct frame_table *ft, struct frame *storage,
                      pfn_t base_pfn, pfn_t nframes);

/* The record of 'pfn', or NULL if it is outside the table. */
struct frame *frame_of(struct frame_table *ft, pfn_t pfn);

/*
 * Give frames [start, end) to 'owner' with 'type' (counts cleared).
 * Frames outside the table are skipped.
 */
void frame_set_range(struct frame_table *ft, pfn_t start, pfn_t end,
                     uint16_t owner, enum frame_type type);

/* How many frames are owned by 'owner'. */
pfn_t frame_count_owned(const struct frame_table *ft, uint16_t owner);

#endif
