import EvalCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `call-model --output FILE`: what FILE already holds, and making it safe to append to again.
enum OutputFile {
    /// Identity of a finished request: the record's id and the cache key of its settings.
    static func resumeKey(id: JSONValue, cacheKey: String) -> String { JSON.encodeString(id) + " " + cacheKey }

    /// Opens FILE for appending, locked against every other `call-model --output FILE` (a
    /// requeued batch job, a second terminal): without the lock both would send every request
    /// and write every record twice. A second writer fails with the first one's PID, or with
    /// `wait` blocks until it ends and then resumes from what it wrote. Then truncates a torn last
    /// line, removes `api_error` records (they are retried) by an atomic rewrite that keeps every
    /// other line, and returns the locked descriptor with the resume keys of the records that stay.
    static func open(_ path: String, wait: Bool) throws -> (fd: Int32, done: Set<String>) {
        var fd = try lock(path, wait: wait)
        do {
            let done = try prepare(path, fd: &fd)
            return (fd, done)
        } catch {
            close(fd)
            throw error
        }
    }

    /// The file opened and flock(2)ed; retried when the path was replaced while we waited, so the
    /// lock held is always on the file the path names.
    static func lock(_ path: String, wait: Bool) throws -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw EvalError("cannot open: \(String(cString: strerror(errno)))", file: path) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let err = errno
                guard err == EWOULDBLOCK else {
                    // Some cluster file systems have no locks: say so, and go on as before.
                    Log.line("call-model: \(path): warning: cannot lock (\(String(cString: strerror(err)))): nothing stops a second writer")
                    return fd
                }
                let holder = lockHolder(fd).map { "PID \($0)" } ?? "a process on another machine"
                guard wait else {
                    close(fd)
                    throw EvalError("another call-model (\(holder)) is writing this file", file: path,
                                    hint: "a requeued job or a second terminal: let it finish or stop it, or add --wait-for-lock to continue after it")
                }
                Log.line("call-model: \(path): waiting for \(holder), which is writing it")
                while flock(fd, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        let msg = String(cString: strerror(errno))
                        close(fd)
                        throw EvalError("cannot lock: \(msg)", file: path)
                    }
                }
            }
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return fd
            }
            close(fd)  // replaced (the other writer's rewrite) or removed while we waited: lock what is there now
        }
    }

    /// The PID holding a flock on `fd`'s file, from /proc/locks (Linux; this machine only).
    static func lockHolder(_ fd: Int32) -> Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let dev = UInt64(st.st_dev)
        let major = (dev >> 8) & 0xFFF | (dev >> 32) & ~UInt64(0xFFF), minor = dev & 0xFF | (dev >> 12) & ~UInt64(0xFF)
        let id = String(format: "%02x:%02x:%llu", major, minor, UInt64(st.st_ino))
        for line in text.split(separator: "\n") where !line.contains("->") {
            let f = line.split(separator: " ")
            if f.count > 5, f[1] == "FLOCK" || f[1] == "POSIX", f[5] == id, let pid = Int(f[4]), pid != getpid() { return pid }
        }
        return nil
    }

    static func prepare(_ path: String, fd: inout Int32) throws -> Set<String> {
        var done = Set<String>(), failedLines = Set<Int>(), torn = false
        let reader = try LineReader(path: path)
        while let line = try reader.next() {
            if reader.lastLineUnterminated { torn = true; break }
            guard let v = try? JSON.decode(line) else { continue }
            if v["status"]?.string == Status.apiError.rawValue {
                failedLines.insert(reader.lineNumber)
            } else if let id = v["id"], let key = v["call"]?["cache_key"]?.string {
                done.insert(resumeKey(id: id, cacheKey: key))
            }
        }
        if !failedLines.isEmpty {
            fd = try rewrite(path, locked: fd, dropping: failedLines)
            Log.line("call-model: \(path): retrying \(failedLines.count) record(s) that ended in api_error")
        } else if torn {
            try truncateTornLine(path, fd: fd)
        }
        if torn { Log.line("call-model: \(path): removed a torn last line (the previous run was killed mid-write)") }
        return done
    }

    /// Copies the terminated lines not in `dropping` to a temporary file, locks it, then renames it
    /// over `path`, and returns it as the descriptor to append to: the file the path names is
    /// locked from the moment it appears (a CR before a newline is lost: LineReader strips it,
    /// and our writer never writes one).
    private static func rewrite(_ path: String, locked: Int32, dropping: Set<Int>) throws -> Int32 {
        let tmp = path + ".tmp"
        let fd = Glibc.open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EvalError("cannot create: \(String(cString: strerror(errno)))", file: tmp) }
        var ok = false
        defer { if !ok { close(fd) } }
        _ = flock(fd, LOCK_EX | LOCK_NB)
        let reader = try LineReader(path: path)
        var chunk: [UInt8] = []
        func flush() throws {
            do { try writeAll(fd, chunk) } catch let e as EvalError { throw EvalError(e.message, file: tmp) }
            chunk.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            if reader.lastLineUnterminated { break }
            if dropping.contains(reader.lineNumber) { continue }
            chunk += line
            chunk.append(UInt8(ascii: "\n"))
            if chunk.count >= 1 << 20 { try flush() }
        }
        try flush()
        guard fsync(fd) == 0, rename(tmp, path) == 0 else {
            throw EvalError("cannot replace: \(String(cString: strerror(errno)))", file: path)
        }
        _ = fcntl(fd, F_SETFL, O_APPEND)
        ok = true
        close(locked)
        return fd
    }

    /// Writes all of `bytes`, in one write(2) unless the kernel takes less: a record appended this
    /// way is whole on disk or absent, even under kill -9.
    static func writeAll<B: ContiguousBytes>(_ fd: Int32, _ bytes: B) throws {
        try bytes.withUnsafeBytes { try StandardStream.writeAll(fd, $0) }
    }

    /// Cuts the file after its last newline.
    private static func truncateTornLine(_ path: String, fd: Int32) throws {
        var end = lseek(fd, 0, SEEK_END)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while end > 0 {
            let start = max(0, end - off_t(block.count))
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, Int(end - start), start) }
            guard n > 0 else { break }
            if let nl = block[..<n].lastIndex(of: UInt8(ascii: "\n")) { end = start + off_t(nl) + 1; break }
            end = start
        }
        guard ftruncate(fd, end) == 0 else { throw EvalError("cannot truncate: \(String(cString: strerror(errno)))", file: path) }
    }
}
