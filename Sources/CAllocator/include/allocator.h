#ifndef CREDITD_ALLOCATOR_H
#define CREDITD_ALLOCATOR_H

/// The malloc arena limit set before main, or 0 when the environment (MALLOC_ARENA_MAX or
/// GLIBC_TUNABLES) configures glibc's allocator instead.
int creditd_allocator_arena_limit(void);

#endif
