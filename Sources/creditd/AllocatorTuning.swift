import CAllocator

/// What `CAllocator` did to glibc's allocator before main: one malloc arena for all threads, unless
/// the operator configured the allocator through the environment. With 100,000 customers the peak
/// resident size was 302 MiB with glibc's default arenas and 141 MiB with one, at the same
/// throughput (docs/performance.md, "Memory").
enum AllocatorTuning {
    static var summary: String {
        let limit = creditd_allocator_arena_limit()
        return limit > 0 ? "\(limit) malloc arena, fixed 128 KiB mmap and trim thresholds" : "malloc arenas from the environment"
    }
}
