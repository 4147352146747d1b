import CZlib
import EvalCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A ZIP archive's members, read from its central directory (what JMMLU ships: `JMMLU.zip`).
/// Stored and deflated members; each is streamed through zlib, so memory does not grow with its
/// size, and checked against its CRC-32 and size at the end. macOS resource forks
/// (`__MACOSX/…`, `._name`) are not members. ZIP64 and encrypted archives are refused.
final class ZipArchive {
    struct Member {
        let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let headerOffset: Int
    }

    let path: String
    let members: [Member]
    private let fd: Int32
    private let fileSize: Int

    init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw EvalError("cannot open: \(String(cString: strerror(errno)))", file: path) }
        fileSize = Int(lseek(fd, 0, SEEK_END))
        do {
            members = try ZipArchive.centralDirectory(fd, fileSize)
        } catch {
            Glibc.close(fd)
            throw EvalError("\(error)", file: path)
        }
    }

    deinit { Glibc.close(fd) }

    static func isMacResource(_ name: String) -> Bool {
        name.hasPrefix("__MACOSX/") || (name as NSString).lastPathComponent.hasPrefix("._")
    }

    /// Names of the members that hold data (directories and resource forks left out).
    var names: [String] { members.map(\.name) }

    /// A byte source streaming one member's uncompressed bytes.
    func open(_ member: Member) throws -> ByteSource {
        let local: [UInt8]
        do { local = try ZipArchive.read(fd, fileSize, at: member.headerOffset, count: 30) } catch {
            throw EvalError("member \(member.name): \(error)", file: path)
        }
        guard ZipArchive.u32(local, 0) == 0x0403_4B50 else { throw EvalError("member \(member.name): no local header", file: path) }
        let start = member.headerOffset + 30 + Int(ZipArchive.u16(local, 26)) + Int(ZipArchive.u16(local, 28))
        guard start <= fileSize, member.compressedSize <= fileSize - start else {
            throw EvalError("member \(member.name) runs past the end of the archive", file: path)
        }
        return try ZipMemberSource(fd: fd, member: member, start: start, archive: path)
    }

    private struct Corrupt: Error, CustomStringConvertible { var description: String }

    private static func centralDirectory(_ fd: Int32, _ size: Int) throws -> [Member] {
        // End of central directory: 22 bytes plus a comment of at most 65,535, at the very end.
        let tailLength = min(size, 22 + 65_535)
        let tail = try read(fd, size, at: size - tailLength, count: tailLength)
        guard tail.count >= 22, let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { u32(tail, $0) == 0x0605_4B50 }) else {
            throw Corrupt(description: "not a ZIP archive (no end of central directory)")
        }
        let count = Int(u16(tail, eocd + 10)), cdSize = Int(u32(tail, eocd + 12)), cdOffset = Int(u32(tail, eocd + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            throw Corrupt(description: "ZIP64 archives are not supported")
        }
        let cd = try read(fd, size, at: cdOffset, count: cdSize)
        var out: [Member] = []
        var p = 0
        for _ in 0..<count {
            guard p <= cd.count - 46, u32(cd, p) == 0x0201_4B50 else { throw Corrupt(description: "corrupt central directory") }
            let flags = u16(cd, p + 8), method = u16(cd, p + 10)
            let nameLength = Int(u16(cd, p + 28)), extra = Int(u16(cd, p + 30)), comment = Int(u16(cd, p + 32))
            guard nameLength + extra + comment <= cd.count - p - 46 else { throw Corrupt(description: "corrupt central directory") }
            let name = String(decoding: cd[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let member = Member(name: name, method: method, crc: u32(cd, p + 16), compressedSize: Int(u32(cd, p + 20)),
                                size: Int(u32(cd, p + 24)), headerOffset: Int(u32(cd, p + 42)))
            p += 46 + nameLength + extra + comment
            if name.hasSuffix("/") || isMacResource(name) { continue }
            guard flags & 1 == 0 else { throw Corrupt(description: "member \(name) is encrypted") }
            guard method == 0 || method == 8 else { throw Corrupt(description: "member \(name): compression method \(method) (only stored and deflate are read)") }
            out.append(member)
        }
        return out
    }

    static func read(_ fd: Int32, _ size: Int, at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw Corrupt(description: "\(count) bytes at offset \(offset) lie outside the archive")
        }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Corrupt(description: "the archive ends early") }
            done += n
        }
        return out
    }

    static func u16(_ b: [UInt8], _ p: Int) -> UInt16 { UInt16(b[p]) | UInt16(b[p + 1]) << 8 }
    static func u32(_ b: [UInt8], _ p: Int) -> UInt32 { UInt32(u16(b, p)) | UInt32(u16(b, p + 2)) << 16 }
}

/// Where a `ByteStream` gets its bytes: `read` fills the buffer and returns how many it wrote, 0 at the end.
protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// One ZIP member's bytes: read from the archive in 64 KiB pieces, inflated if deflated, and at the
/// end checked against the central directory's size and CRC-32.
final class ZipMemberSource: ByteSource {
    private let fd: Int32
    private let member: ZipArchive.Member
    private let label: String
    private var offset: Int
    private var left: Int
    /// Compressed bytes read ahead; zlib keeps a pointer into it between calls, so it is not an Array.
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    private var stream = z_stream()
    private var inflating = false
    private var finished = false
    private var produced = 0
    private var crc: UInt = 0

    init(fd: Int32, member: ZipArchive.Member, start: Int, archive: String) throws {
        self.fd = fd
        self.member = member
        label = "\(archive)(\(member.name))"
        offset = start
        left = member.compressedSize
        if member.method == 8 {
            // Raw deflate (negative window bits): ZIP stores no zlib header.
            guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw EvalError("inflateInit failed", file: label)
            }
            inflating = true
        }
    }

    deinit {
        if inflating { inflateEnd(&stream) }
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished { return 0 }
        var n = 0
        if member.method == 0 {
            let want = min(buffer.count, left)
            n = want == 0 ? 0 : try pread(into: buffer.baseAddress!, count: want)
            left -= n
        } else {
            while n == 0 {
                if stream.avail_in == 0 && left > 0 {
                    let got = try pread(into: input.baseAddress!, count: min(input.count, left))
                    left -= got
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    stream.avail_in = UInt32(got)
                }
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(clamping: buffer.count)
                let rc = inflate(&stream, Z_NO_FLUSH)
                n = buffer.count - Int(stream.avail_out)
                if rc == Z_STREAM_END { break }
                guard rc == Z_OK || rc == Z_BUF_ERROR else { throw EvalError("corrupt deflate data (zlib code \(rc))", file: label) }
                if n == 0 && stream.avail_in == 0 && left == 0 { throw EvalError("deflate data ends early", file: label) }
            }
        }
        if n > 0 {
            crc = crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(n))
            produced += n
            guard produced <= member.size else { throw EvalError("member is longer than the archive says (\(member.size) bytes)", file: label) }
            return n
        }
        finished = true
        guard produced == member.size, UInt32(crc) == member.crc else {
            throw EvalError("member does not match its CRC-32 or size (\(produced) of \(member.size) bytes): the archive is corrupt", file: label)
        }
        return 0
    }

    private func pread(into p: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let n = Glibc.pread(fd, p, count, off_t(offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EvalError("the archive ends early", file: label) }
            offset += n
            return n
        }
    }
}
