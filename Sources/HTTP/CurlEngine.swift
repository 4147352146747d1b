import CCurl
import Foundation

/// One HTTP exchange. A nil body is a GET, otherwise a POST of these bytes.
public struct HTTPRequest: Sendable {
    public var url: String
    /// `Name: value` lines.
    public var headers: [String]
    public var body: [UInt8]?
    /// Whole transfer, seconds (connection, upload, waiting for the model, download).
    public var timeout: Double
    public var connectTimeout: Double
    /// The transfer is cut off (`TransportError.isBodyTooLarge`) once the body passes this many
    /// bytes: a server that never stops sending must not fill memory.
    public var maxBodyBytes: Int

    public init(url: String, headers: [String] = [], body: [UInt8]? = nil, timeout: Double = 6000, connectTimeout: Double = 60,
                maxBodyBytes: Int = 64 << 20) {
        self.url = url; self.headers = headers; self.body = body
        self.timeout = timeout; self.connectTimeout = connectTimeout; self.maxBodyBytes = maxBodyBytes
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response, names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    /// Seconds the server asks us to wait: `retry-after-ms` (OpenAI), `Retry-After` as seconds or an HTTP date.
    public var retryAfter: Double? {
        if let ms = headers["retry-after-ms"].flatMap(Double.init) { return ms / 1000 }
        guard let v = headers["retry-after"] else { return nil }
        if let s = Double(v) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: v).map { max(0, $0.timeIntervalSinceNow) }
    }
}

/// The request never produced an HTTP response (refused, reset, timed out, DNS, TLS).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// libcurl's CURLcode.
    public var code: Int
    public var message: String
    public var description: String { message }
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
    /// The body (or the headers) passed `HTTPRequest.maxBodyBytes`; only our callbacks stop a
    /// transfer with a write error.
    public var isBodyTooLarge: Bool { code == Int(CURLE_WRITE_ERROR.rawValue) }
    /// Mistakes in the request itself fail the same way every time, and so does a server that
    /// answers with more than we take.
    public var isRetryable: Bool {
        ![CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_WRITE_ERROR]
            .contains { Int($0.rawValue) == code }
    }
}

public typealias HTTPResult = Result<HTTPResponse, TransportError>

/// HTTP client on libcurl's multi interface: one dedicated thread drives every transfer with
/// `curl_multi_poll`, so thousands of requests in flight cost one thread and no pool. Connections
/// stay in the multi handle's cache and are reused. Proxies come from libcurl's own reading of
/// `http_proxy`/`https_proxy`/`all_proxy`/`no_proxy`, as with the `curl` command.
public final class CurlEngine: Sendable {
    private let core: Core

    /// `idleConnections`: how many finished connections stay open for reuse.
    public init(idleConnections: Int = 4096) {
        core = Core(idleConnections: idleConnections)
        let core = self.core
        let thread = Thread { core.run() }
        thread.name = "curl-multi"
        thread.start()
    }

    deinit { core.stop() }

    public func send(_ request: HTTPRequest) async -> HTTPResult {
        await withCheckedContinuation { core.submit(Transfer(request, $0)) }
    }
}

/// libcurl wants its global init once, before any other call, from one thread.
private let curlGlobalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

/// State of one transfer; the easy handle's callbacks reach it through an unmanaged pointer.
private final class Transfer {
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResult, Never>
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    /// Header bytes of this response so far, held to the same cap as the body.
    var headerBytes = 0

    init(_ request: HTTPRequest, _ continuation: CheckedContinuation<HTTPResult, Never>) {
        self.request = request; self.continuation = continuation
        errorBuffer.initialize(to: 0)
    }

    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Header lines arrive one per call; a new status line (after a 100 Continue or a redirect) starts over.
    /// Parsed on bytes: this runs for every header of every response on the one engine thread.
    func headerLine(_ raw: UnsafeRawBufferPointer) {
        let bytes = raw.bindMemory(to: UInt8.self)
        if bytes.starts(with: "HTTP/".utf8) { headers.removeAll(); headerBytes = 0; return }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        var start = colon + 1, end = bytes.count
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        let name = String(decoding: bytes[..<colon].lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        headers[name] = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

/// Owned by the multi thread; other threads only touch `queue` and `stopping`, under `lock`.
private final class Core: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var queue: [Transfer] = []
    private var stopping = false
    private var active = 0

    init(idleConnections: Int) {
        _ = curlGlobalInit
        multi = curl_multi_init()
        // 0 = unlimited: the caller's --concurrency is the only cap on requests in flight.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, idleConnections)
    }

    deinit { curl_multi_cleanup(multi) }

    func submit(_ t: Transfer) {
        lock.withLock { queue.append(t) }
        curl_multi_wakeup(multi)
    }

    func stop() {
        lock.withLock { stopping = true }
        curl_multi_wakeup(multi)
    }

    func run() {
        while true {
            let (new, stop) = lock.withLock {
                defer { queue.removeAll() }
                return (queue, stopping)
            }
            for t in new { start(t) }
            if stop && active == 0 { return }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()
            // Returns on socket activity, curl's next timer, or curl_multi_wakeup from submit().
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func start(_ t: Transfer) {
        guard let easy = curl_easy_init() else {
            return t.continuation.resume(returning: .failure(TransportError(code: -1, message: "curl_easy_init failed")))
        }
        let req = t.request
        let ctx = Unmanaged.passRetained(t).toOpaque()
        _ = ccurl_easy_setopt_str(easy, CURLOPT_URL, req.url)
        _ = ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)  // the threaded resolver must not raise SIGALRM
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(req.timeout))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(req.connectTimeout))
        _ = ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)  // long generations idle for minutes
        _ = ccurl_easy_setopt_str(easy, CURLOPT_USERAGENT, "evalpipe")
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_PRIVATE, ctx)
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, t.errorBuffer)
        // An empty `Expect:` stops libcurl from waiting for `100 Continue` on bodies over 1 KiB.
        for h in req.headers + ["Expect:"] { t.headerList = curl_slist_append(t.headerList, h) }
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, t.headerList)
        if let body = req.body {
            _ = ccurl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            // A NULL pointer (an empty array's) would clear the option and turn the POST into a GET.
            _ = (body.isEmpty ? [0] : body).withUnsafeBufferPointer {
                ccurl_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
            }
        }
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, ctx)
        _ = ccurl_easy_setopt_datafn(easy, CURLOPT_WRITEFUNCTION) { ptr, size, count, ctx in
            let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeUnretainedValue()
            // Returning less than given makes libcurl stop with CURLE_WRITE_ERROR.
            guard t.body.count + size * count <= t.request.maxBodyBytes else { return 0 }
            t.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: size * count))
            return size * count
        }
        _ = ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, ctx)
        _ = ccurl_easy_setopt_datafn(easy, CURLOPT_HEADERFUNCTION) { ptr, size, count, ctx in
            let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeUnretainedValue()
            t.headerBytes += size * count
            guard t.headerBytes <= t.request.maxBodyBytes else { return 0 }
            t.headerLine(UnsafeRawBufferPointer(start: ptr, count: size * count))
            return size * count
        }
        let rc = curl_multi_add_handle(multi, easy)
        guard rc == CURLM_OK else {
            Unmanaged<Transfer>.fromOpaque(ctx).release()
            curl_easy_cleanup(easy)
            let msg = String(cString: curl_multi_strerror(rc))
            return t.continuation.resume(returning: .failure(TransportError(code: -1, message: msg)))
        }
        active += 1
    }

    /// Seconds as libcurl's milliseconds, clamped: `--timeout 1e300` means "no practical limit",
    /// not an overflow trap.
    static func milliseconds(_ seconds: Double) -> Int {
        seconds.isNaN || seconds <= 0 ? 0 : Int(min(seconds, 1e9) * 1000)
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(multi, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
            let code = msg.pointee.data.result
            var ctx: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &ctx)
            var status = 0
            _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            active -= 1
            let t = Unmanaged<Transfer>.fromOpaque(ctx!).takeRetainedValue()
            if code == CURLE_OK {
                t.continuation.resume(returning: .success(HTTPResponse(status: status, headers: t.headers, body: t.body)))
            } else {
                let detail = String(cString: t.errorBuffer)
                let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
                t.continuation.resume(returning: .failure(TransportError(code: Int(code.rawValue), message: message)))
            }
        }
    }
}
