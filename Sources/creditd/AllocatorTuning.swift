import CAllocator

/// Which allocator the process runs on (`CAllocator`: jemalloc with one arena and a short decay)
/// for the start-up line `allocator set up`.
enum AllocatorTuning {
    static var summary: String {
        var text = "jemalloc \(String(cString: creditd_allocator_version())), \(creditd_allocator_arenas()) arena(s), \(String(cString: creditd_allocator_options()))"
        if let environment = creditd_allocator_environment() {
            text += ", MALLOC_CONF=\(String(cString: environment)) from the environment"
        }
        return text
    }
}
