import Foundation

extension StoreError {
    /// A failed write, named by the file and, when the file system or the file has turned read-only
    /// under the daemon (an `errors=remount-ro` file system after a disk error, a changed mount or
    /// permissions), said so: SQLite reports that case as a plain I/O error.
    static func writeFailure(_ error: any Error, path: String) -> StoreError {
        let wrapped = wrap(error, "writing the database \(path) failed")
        guard wrapped.code == .other || wrapped.code == .readOnly, let reason = readOnlyReason(path) else { return wrapped }
        return StoreError(.readOnly, "\(wrapped.message); \(reason); fix it, then restart")
    }

    /// Why `path` cannot be written now, or nil when it can.
    static func readOnlyReason(_ path: String) -> String? {
        var stats = statvfs()
        if statvfs(path, &stats) == 0, stats.f_flag & UInt(ST_RDONLY) != 0 {
            return "the file system holding \(path) is read-only"
        }
        let folder = (path as NSString).deletingLastPathComponent
        for file in [path, path + "-wal", folder.isEmpty ? "." : folder] where FileManager.default.fileExists(atPath: file) {
            if access(file, W_OK) != 0 { return "\(file) is not writable" }
        }
        // An ext4 that met a disk error (errors=remount-ro) refuses writes with EROFS while its mount
        // still says rw. Probe with a new file beside the database, never the database itself:
        // closing another descriptor of it would drop SQLite's locks.
        let probe = (folder.isEmpty ? "." : folder) + "/.creditd-write-probe-\(getpid())"
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            unlink(probe)
            return nil
        }
        switch errno {
        case EROFS: return "the file system holding \(path) is read-only"
        case EACCES, EPERM: return "\(folder) is not writable"
        default: return nil
        }
    }
}
