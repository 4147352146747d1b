import CZlib
import EvalCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decompressors for Parquet pages and `.gz` data files. SNAPPY is small enough to write here;
/// GZIP goes through zlib; ZSTD through the libzstd that libcurl already depends on, loaded at run
/// time because Debian ships its header only in a -dev package nothing else needs.
enum Decompress {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Snappy's raw block format (no framing), as Parquet stores it.
    static func snappy(_ input: ArraySlice<UInt8>, size expected: Int) throws -> [UInt8] {
        var p = input.startIndex
        let end = input.endIndex
        func byte() throws -> Int {
            guard p < end else { throw Failure(description: "snappy: input ends early") }
            defer { p += 1 }
            return Int(input[p])
        }
        var length = 0, shift = 0
        while true {
            guard shift < 35 else { throw Failure(description: "snappy: corrupt length") }
            let b = try byte()
            length |= (b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        guard length == expected else { throw Failure(description: "snappy: length \(length), the page header says \(expected)") }
        var out = [UInt8]()
        out.reserveCapacity(length)
        while p < end {
            let tag = try byte()
            switch tag & 3 {
            case 0:
                var n = tag >> 2
                if n >= 60 {
                    let extra = n - 59
                    n = 0
                    for i in 0..<extra { n |= try byte() << (8 * i) }
                }
                n += 1
                guard n <= end - p, n <= expected - out.count else { throw Failure(description: "snappy: literal runs past the input or the page") }
                out.append(contentsOf: input[p..<p + n])
                p += n
            default:
                let n: Int, offset: Int
                switch tag & 3 {
                case 1: n = 4 + ((tag >> 2) & 7); offset = ((tag >> 5) << 8) | (try byte())
                case 2: n = (tag >> 2) + 1; offset = try byte() | (try byte() << 8)
                default: n = (tag >> 2) + 1; offset = try byte() | (try byte() << 8) | (try byte() << 16) | (try byte() << 24)
                }
                guard offset > 0, offset <= out.count, n <= expected - out.count else { throw Failure(description: "snappy: copy offset out of range") }
                // Copies may overlap their own output (a run): byte by byte.
                let from = out.count - offset
                for i in 0..<n { out.append(out[from + i]) }
            }
        }
        guard out.count == expected else { throw Failure(description: "snappy: \(out.count) bytes, expected \(expected)") }
        return out
    }

    /// A gzip or zlib stream (zlib detects which).
    static func gzip(_ input: ArraySlice<UInt8>, size expected: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: expected)
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "gzip: inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        let rc = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = UInt32(clamping: src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(clamping: dst.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw Failure(description: "gzip: corrupt data (zlib code \(rc), \(stream.total_out) of \(expected) bytes)")
        }
        return out
    }

    static func zstd(_ input: ArraySlice<UInt8>, size expected: Int) throws -> [UInt8] {
        let lib = try Zstd.shared.get()
        // The frame states its size (pyarrow writes it): a mismatch is caught before allocating.
        let stated = input.withUnsafeBytes { lib.contentSize($0.baseAddress, $0.count) }
        if stated < UInt64.max - 1, stated != UInt64(expected) {
            throw Failure(description: "zstd: the frame holds \(stated) bytes, the page header says \(expected)")
        }
        var out = [UInt8](repeating: 0, count: expected)
        let n = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in lib.decompress(dst.baseAddress, dst.count, src.baseAddress, src.count) }
        }
        if lib.isError(n) != 0 { throw Failure(description: "zstd: " + String(cString: lib.errorName(n))) }
        guard n == expected else { throw Failure(description: "zstd: \(n) bytes, expected \(expected)") }
        return out
    }
}

/// libzstd's one-shot decompression, looked up once.
private struct Zstd: @unchecked Sendable {
    typealias DecompressFn = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    let decompress: DecompressFn
    /// ZSTD_getFrameContentSize: the size, or UInt64.max (error) / UInt64.max - 1 (unknown).
    let contentSize: @convention(c) (UnsafeRawPointer?, Int) -> UInt64
    let isError: @convention(c) (Int) -> UInt32
    let errorName: @convention(c) (Int) -> UnsafePointer<CChar>

    static let shared: Result<Zstd, Decompress.Failure> = {
        guard let h = dlopen("libzstd.so.1", RTLD_NOW) ?? dlopen("libzstd.so", RTLD_NOW),
              let d = dlsym(h, "ZSTD_decompress"), let e = dlsym(h, "ZSTD_isError"), let n = dlsym(h, "ZSTD_getErrorName"),
              let c = dlsym(h, "ZSTD_getFrameContentSize")
        else { return .failure(Decompress.Failure(description: "zstd: libzstd.so.1 not found (apt-get install libzstd1)")) }
        return .success(Zstd(decompress: unsafeBitCast(d, to: DecompressFn.self),
                             contentSize: unsafeBitCast(c, to: (@convention(c) (UnsafeRawPointer?, Int) -> UInt64).self),
                             isError: unsafeBitCast(e, to: (@convention(c) (Int) -> UInt32).self),
                             errorName: unsafeBitCast(n, to: (@convention(c) (Int) -> UnsafePointer<CChar>).self)))
    }()
}
