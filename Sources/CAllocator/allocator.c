// glibc's allocator gives each contending thread an arena of its own, up to eight per core, and
// each arena keeps the pages freed into it. The daemon's threads (librdkafka's, SQLite's through
// GRDB's queues, Swift's) would grow the resident size with the number of arenas rather than with
// the work, so the arenas are capped before main starts any thread (docs/performance.md, "Memory").
// Blocks of 128 KiB and more (a batch's arrays) are mapped and unmapped on their own, and free
// memory at the top of the heap goes back above 128 KiB: glibc raises both thresholds as it sees
// large blocks freed, and then keeps a large batch's memory after the batch.
#include <malloc.h>
#include <stdlib.h>
#include "allocator.h"

static int arena_limit = 0;

__attribute__((constructor)) static void creditd_limit_arenas(void) {
    if (getenv("MALLOC_ARENA_MAX") != NULL || getenv("GLIBC_TUNABLES") != NULL) return;
    if (mallopt(M_ARENA_MAX, 1) == 1) arena_limit = 1;
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

int creditd_allocator_arena_limit(void) { return arena_limit; }
