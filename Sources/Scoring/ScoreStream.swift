import EvalCore
import Execution
import Foundation

/// `score`'s loop: every record is prepared (extraction), its programs — if its task runs code —
/// go to the engine, and the record is written as soon as its last draw is graded. Records
/// without programs are written at once, so output order follows completion (`id` identifies a
/// record). At most `window` records are in flight: memory stays bounded.
public final class ScoreStream: @unchecked Sendable {
    private let scorers: TaskScorers
    private let makeEngine: () throws -> Engine
    private var engine: Engine?
    private let writer: RecordWriter
    private let lock = NSLock()
    private var failure: Error?
    private var slots: DispatchSemaphore?
    private let inFlight = DispatchGroup()

    /// `makeEngine` is called once, when the first record of a code task arrives.
    public init(scorers: TaskScorers, writer: RecordWriter = RecordWriter(), makeEngine: @escaping () throws -> Engine) {
        self.scorers = scorers
        self.writer = writer
        self.makeEngine = makeEngine
    }

    /// Scores every record of `inputs`. The first error is thrown placed at its `file:line`, once
    /// the records in flight are done and what was written has been flushed. Judge records
    /// (MT-Bench) wait for their question's other judgements, then score as one record.
    public func run(inputs: [String]) throws {
        let reader = RecordReader(paths: inputs)
        let judged = JudgeMerger()
        defer { engine?.shutdown() }
        do {
            while var rec = try reader.nextRecord() {
                if let f = takeFailure() { throw f }
                do {
                    guard let merged = try judged.add(rec.fields) else { continue }
                    rec.fields = merged
                    try handle(rec)
                } catch let e as EvalError { throw e.at(file: rec.file, line: rec.line) }
            }
            inFlight.wait()
            if let f = takeFailure() { throw f }
            try locked { try writer.flush() }
            let left = judged.unfinished
            if let first = left.first {
                throw EvalError("\(left.count) question(s) lack judgements, e.g. \(first.id) (\(first.arrived) arrived)",
                                hint: "the judge stage did not finish: run it again, then score its whole output")
            }
        } catch {
            inFlight.wait()
            try? locked { try writer.flush() }
            throw takeFailure() ?? error
        }
    }

    private func handle(_ rec: SourcedRecord) throws {
        let scorer = try scorers.scorer(for: rec.fields)
        guard let pending = try scorer.prepare(rec.fields) else { return try locked { try writer.write(rec.fields) } }
        if pending.programs.isEmpty {
            let out = try scorer.finish(pending, outcomes: nil)
            return try locked { try writer.write(out) }
        }
        if engine == nil {
            let e = try makeEngine()
            engine = e
            slots = DispatchSemaphore(value: 4 * e.jobs + 8)
        }
        slots!.wait()
        inFlight.enter()
        let draws = Draws(count: pending.programs.count)
        let (file, line) = (rec.file, rec.line)
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
                slots!.signal()
                inFlight.leave()
            }
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
