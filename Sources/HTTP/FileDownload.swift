import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking single transfers for dataset files: a metadata request that does not follow redirects,
/// and a download that streams the body into a file, resuming from the bytes already there.
/// (`CurlEngine` keeps bodies in memory, which suits model replies, not multi-gigabyte files.)
/// Proxies come from `https_proxy` and friends, as in the `curl` command.
public enum FileDownload {
    public struct Response: Sendable {
        public var status: Int
        /// Final response's headers, names lower-cased.
        public var headers: [String: String]
        /// The body when it was not written to a file (errors, metadata), at most `bodyLimit` bytes kept.
        public var body: [UInt8]
        /// Why a download's body was refused and the transfer stopped: a 206 that does not continue
        /// the partial file where it ends, or more bytes than the caller's `limit`. The partial
        /// file is then left as it was; only a fresh start from zero can fix it.
        public var refused: String?
    }

    /// A GET (or HEAD) whose body is kept in memory, up to `bodyLimit` bytes (a repository listing
    /// of 30,000 files is a few MB); redirects are not followed, so the caller sees the Hub's own
    /// headers (`X-Repo-Commit`, `ETag`) rather than the CDN's.
    public static func request(_ url: String, headers: [String], head: Bool = false, timeout: Double,
                               bodyLimit: Int = 1 << 20) -> Result<Response, TransportError> {
        perform(url, headers: headers, head: head, follow: false, file: nil, timeout: timeout, stall: timeout,
                bodyLimit: bodyLimit, limit: nil, progress: nil)
    }

    /// Downloads `url` into `path`, appending to what `path` already holds (an HTTP range request);
    /// a server that ignores the range gets the file rewritten from the start. Redirects are
    /// followed (libcurl drops the Authorization header when the host changes). The transfer is
    /// abandoned when no byte arrives for `stall` seconds, and refused once the file would grow past
    /// `limit` bytes. `progress` gets the bytes in the file.
    public static func download(_ url: String, headers: [String], to path: String, stall: Double, limit: Int64? = nil,
                                progress: ((Int64) -> Void)? = nil) -> Result<Response, TransportError> {
        perform(url, headers: headers, head: false, follow: true, file: path, timeout: 0, stall: stall,
                bodyLimit: 1 << 20, limit: limit, progress: progress)
    }

    private static func perform(_ url: String, headers: [String], head: Bool, follow: Bool, file: String?,
                                timeout: Double, stall: Double, bodyLimit: Int, limit: Int64?,
                                progress: ((Int64) -> Void)?) -> Result<Response, TransportError> {
        _ = globalInit
        guard let easy = curl_easy_init() else { return .failure(TransportError(code: -1, message: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(easy) }
        let sink = Sink(path: file, bodyLimit: bodyLimit, limit: limit, progress: progress)
        defer { sink.close() }
        let offset = sink.existing
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(to: 0)
        defer { errorBuffer.deallocate() }
        var list: UnsafeMutablePointer<curl_slist>?
        // A plain Range header rather than libcurl's resume option, which fails the transfer when
        // the server answers 200 (no range support); the sink then rewrites the file from zero.
        for h in headers + ["Accept-Encoding: identity"] + (offset > 0 ? ["Range: bytes=\(offset)-"] : []) {
            list = curl_slist_append(list, h)
        }
        defer { curl_slist_free_all(list) }
        let ctx = Unmanaged.passUnretained(sink).toOpaque()
        _ = ccurl_easy_setopt_str(easy, CURLOPT_URL, url)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, list)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_str(easy, CURLOPT_USERAGENT, "evalpipe")
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, follow ? 1 : 0)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 10)
        // Whatever a server redirects to, only HTTP(S) is fetched (never file:// or others).
        _ = ccurl_easy_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_str(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, head ? 1 : 0)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(max(stall, 1) * 1000))
        if timeout > 0 { _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)) }
        // Less than one byte a second for `stall` seconds: a dead or stuck server.
        _ = ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(stall.rounded(.up))))
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, ctx)
        _ = ccurl_easy_setopt_datafn(easy, CURLOPT_WRITEFUNCTION) { ptr, size, count, ctx in
            Unmanaged<Sink>.fromOpaque(ctx!).takeUnretainedValue().write(UnsafeRawBufferPointer(start: ptr, count: size * count))
        }
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, ctx)
        _ = ccurl_easy_setopt_datafn(easy, CURLOPT_HEADERFUNCTION) { ptr, size, count, ctx in
            Unmanaged<Sink>.fromOpaque(ctx!).takeUnretainedValue().header(UnsafeRawBufferPointer(start: ptr, count: size * count))
            return size * count
        }
        let code = curl_easy_perform(easy)
        if let failed = sink.failure { return .failure(TransportError(code: -1, message: failed)) }
        if let refused = sink.refused {
            return .success(Response(status: sink.status, headers: sink.headers, body: [], refused: refused))
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failure(TransportError(code: Int(code.rawValue), message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        return .success(Response(status: sink.status, headers: sink.headers, body: sink.body, refused: nil))
    }

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
}

/// Where a transfer's body goes: the file for a successful download, memory otherwise.
private final class Sink {
    let path: String?
    let bodyLimit: Int
    let limit: Int64?
    let progress: ((Int64) -> Void)?
    var fd: Int32 = -1
    var existing: Int64 = 0
    var written: Int64 = 0
    var status = 0
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    var failure: String?
    var refused: String?

    init(path: String?, bodyLimit: Int, limit: Int64?, progress: ((Int64) -> Void)?) {
        self.path = path
        self.bodyLimit = bodyLimit
        self.limit = limit
        self.progress = progress
        if let path {
            var st = stat()
            if stat(path, &st) == 0 { existing = Int64(st.st_size) }
        }
    }

    func close() { if fd >= 0 { Glibc.close(fd); fd = -1 } }

    /// `bytes 100-199/200` → 100.
    static func rangeStart(_ value: String?) -> Int64? {
        guard let v = value?.lowercased(), v.hasPrefix("bytes ") else { return nil }
        return Int64(v.dropFirst(6).prefix { $0 != "-" })
    }

    func header(_ raw: UnsafeRawBufferPointer) {
        let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    func write(_ data: UnsafeRawBufferPointer) -> Int {
        guard let path, status == 200 || status == 206 else {
            if body.count < bodyLimit { body.append(contentsOf: data.prefix(bodyLimit - body.count)) }
            return data.count
        }
        if fd < 0 {
            // 206 continues the partial file, and must start where it ends; a 200 is the whole file again.
            if status == 206, Sink.rangeStart(headers["content-range"]) != existing {
                refused = "the server's range (\(headers["content-range"] ?? "no Content-Range")) does not start at byte \(existing)"
                return 0
            }
            let resume = status == 206 && existing > 0
            fd = open(path, O_WRONLY | O_CREAT | (resume ? O_APPEND : O_TRUNC), 0o644)
            guard fd >= 0 else { failure = "cannot write \(path): \(String(cString: strerror(errno)))"; return 0 }
            written = resume ? existing : 0
        }
        if let limit, written + Int64(data.count) > limit {
            refused = "the body is longer than the \(limit) bytes declared"
            return 0
        }
        var done = 0
        while done < data.count {
            let n = Glibc.write(fd, data.baseAddress! + done, data.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { failure = "cannot write \(path): \(String(cString: strerror(errno)))"; return 0 }
            done += n
        }
        written += Int64(data.count)
        progress?(written)
        return data.count
    }
}
