import CAllocator
import Testing

/// creditd runs on jemalloc (`CAllocator`); these check that the link really puts it in charge.
@Suite struct AllocatorTests {
    /// If libc's malloc came first in the link order, jemalloc would be loaded but unused and its
    /// per-thread counter would not move.
    @Test func swiftAllocationsGoThroughJemalloc() {
        let before = creditd_allocator_thread_allocated()
        let bytes = [UInt8](repeating: 7, count: 1 << 20)
        let after = creditd_allocator_thread_allocated()
        #expect(bytes.reduce(0) { $0 &+ Int($1) } == 7 << 20)
        #expect(after >= before + (1 << 20))
    }

    @Test func runsWithCreditdsOptions() {
        #expect(String(cString: creditd_allocator_options()) == CREDITD_MALLOC_CONF)
        #expect(creditd_allocator_arenas() == 1)
        #expect(String(cString: creditd_allocator_version()).hasPrefix("5."))
    }
}
