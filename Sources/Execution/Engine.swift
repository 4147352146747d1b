import EvalCore
import Foundation

/// One program to grade, in one of the reference's three modes.
public struct Program: Sendable {
    public enum Mode: String, Sendable {
        /// HumanEval: `code`, then the dataset's `check(candidate)` test, called on `entryPoint`.
        case check
        /// LiveCodeBench without `func_name`: stdin in, stdout compared line by line.
        case stdin
        /// LiveCodeBench LeetCode problems: `fnName` called with JSON arguments.
        case call
    }
    public var mode: Mode
    public var code: String
    public var fnName: String?
    public var test: String?
    public var inputs: [String]
    public var outputs: [String]
    /// The per-test alarm in seconds (6; HumanEval+ 120).
    public var timeout: Int

    public init(mode: Mode, code: String, fnName: String? = nil, test: String? = nil,
                inputs: [String] = [], outputs: [String] = [], timeout: Int) {
        self.mode = mode; self.code = code; self.fnName = fnName; self.test = test
        self.inputs = inputs; self.outputs = outputs; self.timeout = timeout
    }

    /// The reference's whole-process limit: the alarm plus 6 s for a check function, else one
    /// second more than the alarm per test plus 5 s.
    public var wallTimeout: Int {
        mode == .check ? timeout + 6 : (timeout + 1) * inputs.count + 5
    }

    /// What the reference records when the process ends without a result (killed at the wall
    /// timeout, `os._exit`, a module-level `sys.exit` in check mode…).
    public var noResultDefault: [JSONValue] {
        mode == .check ? [.int(-2)] : Array(repeating: .int(-1), count: inputs.count)
    }

    var request: JSONValue {
        var o: JSONObject = ["mode": .string(mode.rawValue), "code": .string(code), "timeout": .int(Int64(timeout)),
                             "wall": .int(Int64(wallTimeout))]
        if let fnName { o["fn_name"] = .string(fnName) }
        if let test { o["test"] = .string(test) }
        if mode != .check {
            o["inputs"] = .array(inputs.map { .string($0) })
            o["outputs"] = .array(outputs.map { .string($0) })
        }
        return .object(o)
    }
}

/// The verdict on one program.
public struct Outcome: Sendable {
    /// The reference's result list: `true`/`false` per test, or -1…-4; nil when the harness failed.
    public var results: [JSONValue]?
    /// Why the harness failed (status `exec_error`), or why the program left no result.
    public var note: String?

    /// The reference's rule: every entry > 0 (`True > 0`; an empty list passes).
    public var passed: Bool {
        guard let results else { return false }
        return results.allSatisfy { v in
            switch v {
            case .bool(let b): return b
            case .int(let i): return i > 0
            case .double(let d): return d > 0
            default: return false
            }
        }
    }
}

/// Runs programs in parallel on `jobs` workers, each a sandboxed interpreter that forks one child
/// per program. Every program runs once; callers derive every metric from that one outcome.
public final class Engine: @unchecked Sendable {
    public let sandbox: Sandbox
    public let jobs: Int
    private let queue = WorkQueue()
    private var threads: [Thread] = []
    private let tmp: String

    public init(sandbox: Sandbox, jobs: Int) throws {
        self.sandbox = sandbox
        self.jobs = max(1, jobs)
        // A harness that died must show up as a failed write, not kill us.
        signal(SIGPIPE, SIG_IGN)
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("evalpipe-exec-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o711])
        for slot in 0..<self.jobs {
            let worker = Worker(sandbox: sandbox, slot: slot, tmp: tmp)
            let t = Thread { [queue] in
                while let job = queue.take() { job.done(worker.run(job.program)) }
                worker.stop()
            }
            t.stackSize = 1 << 20
            threads.append(t)
            t.start()
        }
    }

    deinit { shutdown() }

    /// Queues a program; `done` is called on a worker thread with its outcome.
    public func submit(_ program: Program, done: @escaping @Sendable (Outcome) -> Void) {
        queue.put(Job(program: program, done: done))
    }

    /// Runs one program and waits for it.
    public func run(_ program: Program) -> Outcome {
        let box = Box<Outcome>()
        let sem = DispatchSemaphore(value: 0)
        submit(program) { box.value = $0; sem.signal() }
        sem.wait()
        return box.value!
    }

    /// Stops the workers after the queued programs; idempotent.
    public func shutdown() {
        queue.close()
        while threads.contains(where: { !$0.isFinished }) { usleep(1000) }
        try? FileManager.default.removeItem(atPath: tmp)
    }
}

final class Box<T>: @unchecked Sendable { var value: T? }

struct Job: Sendable {
    let program: Program
    let done: @Sendable (Outcome) -> Void
}

/// A blocking FIFO shared by the worker threads.
final class WorkQueue: @unchecked Sendable {
    private var items: [Job] = []
    private var head = 0
    private var closed = false
    private let cond = NSCondition()

    func put(_ job: Job) {
        cond.lock(); items.append(job); cond.signal(); cond.unlock()
    }

    func take() -> Job? {
        cond.lock(); defer { cond.unlock() }
        while head == items.count && !closed { cond.wait() }
        guard head < items.count else { return nil }
        let j = items[head]
        head += 1
        if head > 1024 { items.removeFirst(head); head = 0 }
        return j
    }

    func close() { cond.lock(); closed = true; cond.broadcast(); cond.unlock() }
}

/// One sandboxed harness process, restarted when it dies.
/// Used by exactly one thread.
final class Worker: @unchecked Sendable {
    let sandbox: Sandbox
    let slot: Int
    let tmp: String
    private var process: Process?
    private var input: FileHandle?
    private var output: LineReader?
    private var stderrFile: String

    init(sandbox: Sandbox, slot: Int, tmp: String) {
        self.sandbox = sandbox; self.slot = slot; self.tmp = tmp
        stderrFile = "\(tmp)/worker-\(slot).err"
    }

    private func start() throws {
        let (exe, args) = sandbox.workerCommand(slot: slot, tmp: tmp)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        // Nothing of ours (keys, tokens, HF_HOME…) reaches the sandbox.
        p.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        p.currentDirectoryURL = URL(fileURLWithPath: tmp)
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
        p.standardError = FileHandle(forWritingAtPath: stderrFile)
        try p.run()
        process = p
        input = inPipe.fileHandleForWriting
        output = LineReader(fd: outPipe.fileHandleForReading.fileDescriptor)
        objc_keep.append(outPipe)
        guard let line = try output!.next(), let hello = try? JSON.decode(line), hello["ready"] == .bool(true) else {
            throw EvalError("the harness did not start: " + stderrTail())
        }
    }

    // Keeps the read end's FileHandle (and so its fd) alive while the LineReader uses it.
    private var objc_keep: [Pipe] = []

    private func stderrTail() -> String {
        let s = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        let lines = s.split(separator: "\n")
        return lines.suffix(3).joined(separator: " | ")
    }

    func stop() {
        try? input?.close()
        process?.waitUntilExit()
        process = nil
    }

    /// A dead harness (the program killed it) is restarted and the program run once more; if it
    /// dies again the program is to blame and gets the reference's no-result default.
    func run(_ program: Program) -> Outcome {
        var lastProblem = ""
        for attempt in 0..<2 {
            do {
                if process == nil || !(process!.isRunning) { objc_keep.removeAll(); try start() }
                var bytes = JSON.bytes(program.request)
                bytes.append(UInt8(ascii: "\n"))
                do { try input!.write(contentsOf: bytes) } catch { throw Died() }
                guard let line = try output!.next() else { throw Died() }
                let reply = try JSON.decode(line)
                if let error = reply["error"]?.string { return Outcome(results: nil, note: error) }
                if case .array(let results)? = reply["result"] { return Outcome(results: results, note: nil) }
                return Outcome(results: program.noResultDefault, note: reply["why"]?.string)
            } catch is Died {
                process?.waitUntilExit()
                process = nil
                lastProblem = "the harness died during the program (attempt \(attempt + 1)): " + stderrTail()
            } catch {
                process?.terminate()
                process = nil
                return Outcome(results: nil, note: "\(error)")
            }
        }
        return Outcome(results: program.noResultDefault, note: lastProblem)
    }

    struct Died: Error {}
}
