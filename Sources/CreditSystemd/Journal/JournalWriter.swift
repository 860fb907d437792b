import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Sends one entry through libsystemd's native journal protocol (`sd_journal_sendv`; Swift cannot
/// call the variadic `sd_journal_send`). libsystemd switches a value with newlines to the
/// length-prefixed form and oversized entries to a memfd, so any text survives intact.
public enum JournalWriter {
    public static func send(_ fields: [JournalField]) throws(SystemdError) {
        guard !fields.isEmpty else { return }
        // One contiguous buffer for all "NAME=value" items, so the iovecs stay valid for the call.
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(fields.count)
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value.utf8)
            ranges.append(start..<buffer.count)
        }
        let result: Int32 = buffer.withUnsafeMutableBytes { bytes in
            let vectors = ranges.map { range in
                iovec(iov_base: bytes.baseAddress! + range.lowerBound, iov_len: range.count)
            }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
        if result < 0 { throw .journalSendFailed(errno: -result) }
    }
}
