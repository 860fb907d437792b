#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to file descriptor 2 with `write(2)`, one call per line where the kernel
/// allows, so lines from concurrent tasks do not interleave and no `FILE*` global is shared.
enum StandardError {
    static func write(line: String) {
        var bytes = Array(line.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stderr is gone; nowhere left to report it
                }
            }
        }
    }
}
