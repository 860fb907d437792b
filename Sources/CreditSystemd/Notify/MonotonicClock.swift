#if canImport(Glibc)
import Glibc
#endif

/// `CLOCK_MONOTONIC` in microseconds, the clock systemd (≥ 253) expects in `MONOTONIC_USEC=` next to
/// `RELOADING=1`, so it can tell which reload a later `READY=1` answers.
enum MonotonicClock {
    static func nowMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
