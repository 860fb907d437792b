// creditd allocates through jemalloc (Debian's libjemalloc2), linked ahead of libc so that every
// malloc in the process (Swift's, SQLite's, librdkafka's) goes to it. With glibc's allocator the
// writer and its helper threads queued on one arena's lock (one arena kept the resident size
// down; eight per core grew it with the threads): a scheduler run took 1.4x as long as with
// jemalloc, and event batches 1.2x (docs/performance.md, session 13). jemalloc's per-thread
// caches take most of that lock traffic away.
//
// One arena still, so memory freed by one thread is reused by the others; dirty pages go back
// to the system after half a second (jemalloc's default is 10 s), so the peak stays where one
// glibc arena had it. MALLOC_CONF in the environment is read after this string and overrides it.
#include <stdint.h>
#include <stdlib.h>
#include <jemalloc/jemalloc.h>
#include "allocator.h"

const char *malloc_conf = CREDITD_MALLOC_CONF;

const char *creditd_allocator_version(void) {
    const char *version = NULL;
    size_t size = sizeof(version);
    if (mallctl("version", &version, &size, NULL, 0) != 0 || version == NULL) return "unknown";
    return version;
}

const char *creditd_allocator_options(void) { return malloc_conf; }

const char *creditd_allocator_environment(void) { return getenv("MALLOC_CONF"); }

uint64_t creditd_allocator_thread_allocated(void) {
    uint64_t allocated = 0;
    size_t size = sizeof(allocated);
    if (mallctl("thread.allocated", &allocated, &size, NULL, 0) != 0) return 0;
    return allocated;
}

unsigned creditd_allocator_arenas(void) {
    unsigned arenas = 0;
    size_t size = sizeof(arenas);
    if (mallctl("opt.narenas", &arenas, &size, NULL, 0) != 0) return 0;
    return arenas;
}
