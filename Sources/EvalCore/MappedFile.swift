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
}
