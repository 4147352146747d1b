import EvalCore
import Foundation
import HTTP
#if canImport(Glibc)
import Glibc
#endif

/// Everything `call-model` needs, flags and environment already resolved.
public struct CallModelOptions: Sendable {
    public var model: String
    public var baseURL: String?
    /// Most HTTP requests in flight.
    public var concurrency: Int
    public var maxN: Int?
    /// Keys added to every request body (vLLM extras such as `top_k`, `chat_template_kwargs`).
    public var extraBody: JSONObject
    public var retry: RetryPolicy
    public var timeout: Double
    /// Append here and resume from it, instead of writing to stdout.
    public var output: String?
    /// When another call-model holds `output`: wait for it instead of failing.
    public var waitForLock: Bool
    /// Caps on what one input record or one server reply may make us hold (`Limits`).
    public var limits: Limits
    public var progress: Bool
    /// Empty: stdin.
    public var inputs: [String]

    public init(model: String, baseURL: String? = nil, concurrency: Int = 64, maxN: Int? = nil, extraBody: JSONObject = [:],
                retry: RetryPolicy = RetryPolicy(), timeout: Double = 6000, output: String? = nil, waitForLock: Bool = false,
                limits: Limits = Limits(), progress: Bool = false, inputs: [String] = []) {
        self.model = model; self.baseURL = baseURL; self.concurrency = concurrency; self.maxN = maxN
        self.extraBody = extraBody; self.retry = retry; self.waitForLock = waitForLock; self.limits = limits
        self.timeout = timeout; self.output = output; self.progress = progress; self.inputs = inputs
    }
}

public struct RunSummary: Sendable {
    public var stats: CallStats.Snapshot
    public var elapsed: Double
    /// A malformed input record stopped reading; everything finished before it was written.
    public var inputError: EvalError?

    /// Exit 1: an input error, or a record that ended in `api_error`.
    public var failed: Bool { inputError != nil || stats.recordsFailed > 0 }

    public var line: String {
        let s = stats
        return "call-model: \(s.recordsOK) ok, \(s.recordsFailed) api_error, \(s.recordsSkipped) skipped (already done); "
            + "\(s.requests) requests, \(s.retries) retries, \(s.throttled) throttled (429); "
            + "\(s.promptTokens + s.completionTokens) tokens (\(s.promptTokens) prompt, \(s.completionTokens) completion); "
            + String(format: "%.1f s", elapsed)
    }
}

public enum CallModel {
    /// Reads records, keeps up to `concurrency` requests in flight, writes each record as soon as
    /// it finishes (completion order, one write(2) each). The input thread decodes and prepares at
    /// most `readAhead` records ahead of the ones started, so memory stays bounded by the
    /// concurrency, not the input; decoding, preparing and encoding run beside the HTTP work.
    public static func run(_ o: CallModelOptions, engine: CurlEngine = CurlEngine()) async throws -> RunSummary {
        let started = Date()
        let endpoint = try Endpoint.resolve(model: o.model, baseURL: o.baseURL)
        let stats = CallStats()
        let client = ChatClient(endpoint: endpoint, engine: engine, retry: o.retry, timeout: o.timeout, maxN: o.maxN,
                                concurrency: o.concurrency, extraBody: o.extraBody, limits: o.limits, stats: stats)
        var done = Set<String>()
        var fd: Int32 = 1
        if let path = o.output { (fd, done) = try OutputFile.open(path, wait: o.waitForLock) }
        defer { if fd != 1 { close(fd) } }

        let (events, sink) = AsyncStream<Event>.makeStream()
        let input = InputThread(paths: o.inputs, prepare: client.prepare, sink: sink)
        let progress = o.progress || Log.stderrIsTerminal ? ProgressLine(stats: stats, client: client, started: started) : nil
        if progress != nil { countRecords(o.inputs, into: stats) }
        defer { input.stop(); progress?.stop() }

        let readAhead = max(8, min(o.concurrency, 256))
        var used = 0, asked = 0, inputDone = false
        var pending: [(call: ChatCall, need: Int)] = []
        var inputError: EvalError?
        var writeError: EvalError?
        func startWhilePossible() {
            while let next = pending.first, used + next.need <= o.concurrency {
                pending.removeFirst()
                used += next.need
                Task { [need = next.need] in
                    let record = await client.complete(next.call)
                    sink.yield(.finished(client.outputRedactor.redact(bytes: JSON.bytes(.object(record)) + [UInt8(ascii: "\n")]), need: need))
                }
            }
        }
        func askForInput() {
            while !inputDone && pending.count + asked < readAhead {
                asked += 1
                input.request()
            }
        }
        askForInput()
        for await event in events {
            switch event {
            case .record(let call):
                asked -= 1
                stats.update { $0.recordsRead += 1 }
                if let id = call.record["id"], done.contains(OutputFile.resumeKey(id: id, cacheKey: call.cacheKey)) {
                    stats.update { $0.recordsSkipped += 1 }
                    break
                }
                // A record holds one slot per request it runs in parallel (chunks or conversations).
                pending.append((call, min(o.concurrency, client.parallelRequests(call))))
            case .end:
                asked -= 1
                inputDone = true
            case .failed(let e):
                asked -= 1
                inputError = e
                inputDone = true
            case .finished(let line, let need):
                used -= need
                // After a failed write, finish what is in flight and write nothing more.
                if writeError == nil {
                    do { try OutputFile.writeAll(fd, line) } catch let e as EvalError { writeError = e; inputDone = true; pending.removeAll() }
                }
            }
            startWhilePossible()
            if inputDone && used == 0 && pending.isEmpty { break }
            askForInput()
        }
        progress?.stop()
        if let writeError { throw writeError.file == nil ? EvalError(writeError.message, file: o.output ?? "stdout") : writeError }
        return RunSummary(stats: stats.snapshot, elapsed: Date().timeIntervalSince(started), inputError: inputError)
    }

    /// Counts the lines of the input files on a thread of its own, for the progress line's total
    /// and ETA. Only regular files: reading stdin or a pipe ahead would take records from the run.
    static func countRecords(_ paths: [String], into stats: CallStats) {
        let regular = paths.allSatisfy {
            (try? FileManager.default.attributesOfItem(atPath: $0)[.type] as? FileAttributeType) == .typeRegular
        }
        guard !paths.isEmpty, regular else { return }
        Thread {
            var total = 0
            for path in paths {
                guard let reader = try? LineReader(path: path) else { return }
                while let line = try? reader.next() { if !line.allSatisfy({ $0 == 32 || $0 == 9 }) { total += 1 } }
            }
            stats.update { $0.recordsTotal = total }
        }.start()
    }

    /// For a synchronous `main`: runs on the concurrency pool and waits.
    public static func runBlocking(_ o: CallModelOptions) throws -> RunSummary {
        raiseOpenFileLimit()
        final class Box: @unchecked Sendable { var result: Result<RunSummary, Error>? }
        let box = Box(), finished = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await run(o)) } catch { box.result = .failure(error) }
            finished.signal()
        }
        finished.wait()
        return try box.result!.get()
    }

    /// Each request in flight holds a socket: lift the soft descriptor limit (often 1024) to the hard one.
    static func raiseOpenFileLimit() {
        var rl = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &rl) == 0, rl.rlim_cur < rl.rlim_max else { return }
        rl.rlim_cur = rl.rlim_max
        _ = setrlimit(resource, &rl)
    }

    enum Event: Sendable {
        case record(ChatCall)
        case end
        case failed(EvalError)
        /// A finished record's line, encoded by the task that completed it.
        case finished([UInt8], need: Int)
    }
}

/// Reads and prepares input on its own thread, one record per `request()`: a slow upstream stage
/// blocks this thread, never the cooperative pool. The first bad record ends the input.
private final class InputThread: @unchecked Sendable {
    private let demand = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false

    init(paths: [String], prepare: @escaping @Sendable (JSONObject) throws -> ChatCall, sink: AsyncStream<CallModel.Event>.Continuation) {
        Thread { [self] in
            let reader = RecordReader(paths: paths)
            while true {
                demand.wait()
                if lock.withLock({ stopped }) { return }
                do {
                    guard let r = try reader.nextRecord() else { sink.yield(.end); return }
                    do { sink.yield(.record(try prepare(r.fields))) } catch let e as EvalError { throw e.at(file: r.file, line: r.line) }
                } catch {
                    sink.yield(.failed(error as? EvalError ?? EvalError("\(error)")))
                    return
                }
            }
        }.start()
    }

    func request() { demand.signal() }

    func stop() {
        lock.withLock { stopped = true }
        demand.signal()
    }
}

/// The progress line on stderr: rewritten in place on a terminal, a new line now and then otherwise.
final class ProgressLine: @unchecked Sendable {
    private let terminal = Log.stderrIsTerminal
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    init(stats: CallStats, client: ChatClient, started: Date) {
        let terminal = self.terminal
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: terminal ? 500_000_000 : 10_000_000_000)
                if Task.isCancelled { break }
                let line = Self.render(stats.snapshot, limit: client.concurrencyLimit, maximum: client.gate.maximum,
                                       elapsed: max(Date().timeIntervalSince(started), 0.001))
                Log.raw(terminal ? "\r\(line)\u{1B}[K" : line + "\n")
            }
        }
    }

    /// `12/200 records, 64 in flight, 1830 tok/s, 3 retries, 0 errors, ETA 4m10s`
    static func render(_ s: CallStats.Snapshot, limit: Int, maximum: Int, elapsed: Double) -> String {
        let done = s.recordsOK + s.recordsFailed
        var line = "call-model: \(done)"
        if let total = s.recordsTotal { line += "/\(total - s.recordsSkipped)" }
        line += " records, \(s.inFlight) in flight"
        if limit < maximum { line += " (429: limit \(limit) of \(maximum))" }
        line += ", \(Int(Double(s.completionTokens) / elapsed)) tok/s, \(s.retries) retries, \(s.recordsFailed) errors"
        if s.recordsSkipped > 0 { line += ", \(s.recordsSkipped) skipped" }
        if let total = s.recordsTotal, done > 0 {
            let left = Double(max(0, total - s.recordsSkipped - done)) * elapsed / Double(done)
            line += ", ETA " + (left >= 3600 ? String(format: "%dh%02dm", Int(left) / 3600, Int(left) % 3600 / 60)
                                             : String(format: "%dm%02ds", Int(left) / 60, Int(left) % 60))
        }
        return line
    }

    func stop() {
        guard let t = lock.withLock({ defer { task = nil }; return task }) else { return }
        t.cancel()
        if terminal { Log.raw("\r\u{1B}[K") }
    }
}
