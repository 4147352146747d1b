import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file mapped read-only for the life of the object (the Janome dictionary, nagisa's model):
/// pages are read when touched, and the page cache shares them between processes.
public final class MappedFile: @unchecked Sendable {  // read-only after init
    public let bytes: UnsafeBufferPointer<UInt8>

    /// Throws an `EvalError` naming the file: unreadable, empty, or not mappable.
    public init(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EvalError("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EvalError("\(path): \(String(cString: strerror(errno)))") }
        guard info.st_size > 0 else { throw EvalError("\(path): empty") }
        guard let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw EvalError("\(path): mmap: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }

    /// Writes a file to be mapped later (a compiled dictionary, nagisa's tables) whole under a
    /// temporary name and renames it into place, so a reader maps all of it or none; makes the
    /// folders it lacks.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var dir = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/").dropLast() {
            dir += "/" + part
            if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw EvalError("\(dir): \(String(cString: strerror(errno)))") }
        }
        // Unique across threads, processes and hosts sharing the folder (a cluster's home directory).
        let temporary = path + ".tmp.\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        guard let file = fopen(temporary, "wb") else { throw EvalError("\(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw EvalError("cannot write \(path): \(reason)")
        }
    }
}
