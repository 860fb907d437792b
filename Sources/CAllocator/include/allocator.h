#ifndef CREDITD_ALLOCATOR_H
#define CREDITD_ALLOCATOR_H

#include <stdint.h>

/// jemalloc's options as creditd sets them (see allocator.c).
#define CREDITD_MALLOC_CONF "narenas:1,dirty_decay_ms:500,muzzy_decay_ms:0"

/// jemalloc's version string.
const char *creditd_allocator_version(void);

/// The options creditd compiled in.
const char *creditd_allocator_options(void);

/// MALLOC_CONF from the environment (applied after creditd's options), or NULL.
const char *creditd_allocator_environment(void);

/// Bytes this thread has allocated through jemalloc so far: a test checks that Swift's own
/// allocations go through it (that the link order put jemalloc's malloc ahead of libc's).
uint64_t creditd_allocator_thread_allocated(void);

/// The number of arenas jemalloc runs with.
unsigned creditd_allocator_arenas(void);

#endif
