#if canImport(Glibc)
import Glibc
#endif

/// systemd's `JOURNAL_STREAM=<device>:<inode>` names the stream it connected to stdout/stderr. The
/// variable is inherited by children whose stderr points elsewhere, so it only counts when it
/// matches `fstat` of our own stderr — then structured entries are worth sending natively.
public struct JournalStream: Sendable, Equatable {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// Parses `"<device>:<inode>"` (both decimal); nil for anything else.
    public init?(environmentValue: String) {
        let parts = environmentValue.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        self.init(device: device, inode: inode)
    }

    /// The stream named by `JOURNAL_STREAM` in this process's environment, if any.
    public static func fromEnvironment() -> JournalStream? {
        guard let raw = getenv("JOURNAL_STREAM") else { return nil }
        return JournalStream(environmentValue: String(cString: raw))
    }

    /// Whether `fileDescriptor` is this very stream.
    public func matches(fileDescriptor: Int32) -> Bool {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Whether this process's stderr goes to the journal.
    public static func isStandardErrorConnected() -> Bool {
        fromEnvironment()?.matches(fileDescriptor: STDERR_FILENO) ?? false
    }
}
