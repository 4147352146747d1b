import EvalCore
import Execution
import Foundation

/// `score`'s loop. Reading, judge merging (MT-Bench) and finding each record's scorer happen on
/// the reading thread, in input order. A record of a task that runs no code is then scored and
/// encoded on one of `jobs` threads and written in input order (record k once every record
/// before it is written), so the output is byte for byte what one thread writes. Such records go
/// to the workers in batches of up to `batchSize` consecutive ones: one hand-off per record cost
/// math's small records 38 % more CPU in wake-ups, batches about 12 %. A code task's record has
/// its programs run by the engine and is written as soon as its last draw is graded, in
/// completion order (`id` identifies a record). At most 2 × jobs + 2 batches and 4 × jobs + 8 code records are in
/// flight; the reader waits for a slot, so memory stays bounded.
public final class ScoreStream: @unchecked Sendable {  // shared state only under `lock`; the rest is the reading thread's
    private let scorers: TaskScorers
    private let jobs: Int
    private let makeEngine: () throws -> Engine
    private var engine: Engine?
    private var codeSlots: DispatchSemaphore?
    private var workers: WorkerPool?
    private let writer: RecordWriter
    private let lock = NSLock()
    private var failure: Error?
    private let inFlight = DispatchGroup()
    /// The in-order batches: `batch` is the one being filled, `read` numbers them, `written` is
    /// the next one to write, `done` holds those scored ahead of it (their lines, and the error
    /// that stopped one).
    static let batchSize = 16
    private let orderedSlots: DispatchSemaphore
    private var batch: [@Sendable () throws -> [UInt8]] = []
    private var read = 0
    private var written = 0
    private var done: [Int: (lines: [UInt8], failure: Error?)] = [:]

    /// `jobs` threads score records (1: the reading thread does). `makeEngine` is called once,
    /// when the first record of a code task arrives.
    public init(scorers: TaskScorers, jobs: Int = 1, writer: RecordWriter = RecordWriter(),
                makeEngine: @escaping () throws -> Engine) {
        self.scorers = scorers
        self.jobs = max(1, jobs)
        self.writer = writer
        self.makeEngine = makeEngine
        orderedSlots = DispatchSemaphore(value: 2 * self.jobs + 2)
    }

    /// Scores every record of `inputs`. The first error in input order is thrown, placed at its
    /// `file:line`, once the records before it are written and flushed; nothing after it is
    /// written. Judge records wait for their question's other judgements, then score as one record.
    public func run(inputs: [String]) throws {
        let reader = RecordReader(paths: inputs)
        let judged = JudgeMerger()
        defer { workers?.close(); engine?.shutdown() }
        do {
            while takeFailure() == nil, var rec = try reader.nextRecord() {
                do {
                    guard let merged = try judged.add(rec.fields) else { continue }
                    rec.fields = merged
                    try handle(rec)
                } catch let e as EvalError { throw e.at(file: rec.file, line: rec.line) }
            }
        } catch {
            // An error of the reading thread (JSON, judge merging, an unknown task) takes its
            // place in input order: a record before it that fails wins.
            inOrder { throw error }
        }
        submitBatch()
        inFlight.wait()
        if let f = takeFailure() {
            try? locked { try writer.flush() }
            throw f
        }
        try locked { try writer.flush() }
        let left = judged.unfinished
        if let first = left.first {
            throw EvalError("\(left.count) question(s) lack judgements, e.g. \(first.id) (\(first.arrived) arrived)",
                            hint: "the judge stage did not finish: run it again, then score its whole output")
        }
    }

    private func handle(_ rec: SourcedRecord) throws {
        let scorer = try scorers.scorer(for: rec.fields)
        let (fields, file, line) = (rec.fields, rec.file, rec.line)
        guard scorer.execution != nil else {
            return inOrder(file: file, line: line) {
                var out = fields
                try scorer.score(&out)
                return out
            }
        }
        guard let pending = try scorer.prepare(fields), !pending.programs.isEmpty else {
            return inOrder { fields }
        }
        if engine == nil {
            let e = try makeEngine()
            engine = e
            codeSlots = DispatchSemaphore(value: 4 * e.jobs + 8)
        }
        codeSlots!.wait()
        inFlight.enter()
        let draws = Draws(count: pending.programs.count)
        for (i, program) in pending.programs.enumerated() {
            engine!.submit(program) { [self] outcome in
                guard let all = draws.set(i, outcome) else { return }
                do {
                    let out = try scorer.finish(pending, outcomes: all)
                    try locked { try writer.write(out); try writer.flush() }
                } catch let e as EvalError {
                    record(e.at(file: file, line: line))
                } catch {
                    record(error)
                }
                codeSlots!.signal()
                inFlight.leave()
            }
        }
    }

    /// Adds a record to the batch in input order: `work` scores it, on a worker, or right here
    /// with one job.
    private func inOrder(file: String? = nil, line: Int = 0, _ work: @escaping @Sendable () throws -> JSONObject) {
        batch.append {
            do { return RecordWriter.encode(try work()) } catch let e as EvalError {
                guard let file else { throw e }
                throw e.at(file: file, line: line)
            }
        }
        if jobs == 1 || batch.count == Self.batchSize { submitBatch() }
    }

    /// Numbers the batch and scores its records in order, up to the first that fails.
    private func submitBatch() {
        guard !batch.isEmpty else { return }
        let (records, n) = (batch, read)
        batch = []
        read += 1
        orderedSlots.wait()
        let job = { @Sendable [self] in
            var lines: [UInt8] = [], failed: Error?
            for record in records {
                do { lines += try record() } catch { failed = error; break }
            }
            finished(n, lines, failed)
        }
        guard jobs > 1 else { return job() }
        if workers == nil { workers = WorkerPool(count: jobs) }
        inFlight.enter()
        workers!.run { job(); self.inFlight.leave() }
    }

    /// Writes every batch that is now next; after the first failure, nothing.
    private func finished(_ n: Int, _ lines: [UInt8], _ failed: Error?) {
        lock.lock()
        defer { lock.unlock() }
        done[n] = (lines, failed)
        while let b = done.removeValue(forKey: written) {
            written += 1
            orderedSlots.signal()
            guard failure == nil else { continue }
            do { try writer.write(encoded: b.lines) } catch { failure = error; continue }
            failure = b.failure
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    private func record(_ e: Error) { lock.lock(); if failure == nil { failure = e }; lock.unlock() }
    private func takeFailure() -> Error? { lock.lock(); defer { lock.unlock() }; return failure }
}

/// Collects one record's outcomes; the call that fills the last slot gets them all.
private final class Draws: @unchecked Sendable {
    private var outcomes: [Outcome?]
    private var left: Int
    private let lock = NSLock()
    init(count: Int) { outcomes = Array(repeating: nil, count: count); left = count }
    func set(_ i: Int, _ o: Outcome) -> [Outcome]? {
        lock.lock(); defer { lock.unlock() }
        outcomes[i] = o
        left -= 1
        return left == 0 ? outcomes.map { $0! } : nil
    }
}

/// `count` threads running submitted jobs, first come first served, until `close`.
private final class WorkerPool: @unchecked Sendable {  // `queue` and `closed` only under `ready`
    private let ready = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var closed = false

    init(count: Int) {
        for _ in 0..<count {
            let t = Thread { [self] in loop() }
            // As deep as the main thread: the LaTeX parser and Markdown recurse on nested input.
            t.stackSize = 8 << 20
            t.start()
        }
    }

    func run(_ job: @escaping @Sendable () -> Void) {
        ready.lock()
        queue.append(job)
        ready.signal()
        ready.unlock()
    }

    func close() {
        ready.lock()
        closed = true
        ready.broadcast()
        ready.unlock()
    }

    private func loop() {
        while true {
            ready.lock()
            while queue.isEmpty && !closed { ready.wait() }
            guard !queue.isEmpty else { ready.unlock(); return }
            let job = queue.removeFirst()
            ready.unlock()
            job()
        }
    }
}
