import Foundation

/// The loop every record-at-a-time stage shares: read, transform, write; on the first error print
/// `tool: file:line: …` to stderr, keep what was already written, and exit 1.
public enum Filter {
    public static func run(tool: String, inputs: [String], writer: RecordWriter = RecordWriter(),
                           transform: (inout JSONObject, SourcedRecord) throws -> Void) -> Never {
        let reader = RecordReader(paths: inputs)
        do {
            while let rec = try reader.nextRecord() {
                var fields = rec.fields
                do { try transform(&fields, rec) } catch let e as EvalError {
                    throw e.at(file: rec.file, line: rec.line)
                }
                try writer.write(fields)
            }
            try writer.flush()
        } catch {
            try? writer.flush()
            fail(tool: tool, error)
        }
        exit(0)
    }

    /// The same loop for stages that write any number of records per input record, or hold some
    /// back until others arrive: `transform` calls `emit` for each record to write, and `finish`
    /// runs after the last input record (errors there name no line).
    public static func run(tool: String, inputs: [String], writer: RecordWriter = RecordWriter(),
                           emitting transform: (JSONObject, SourcedRecord, (JSONObject) throws -> Void) throws -> Void,
                           finish: ((JSONObject) throws -> Void) throws -> Void = { _ in }) -> Never {
        let reader = RecordReader(paths: inputs)
        do {
            while let rec = try reader.nextRecord() {
                do { try transform(rec.fields, rec, writer.write) } catch let e as EvalError {
                    throw e.at(file: rec.file, line: rec.line)
                }
            }
            try finish(writer.write)
            try writer.flush()
        } catch {
            try? writer.flush()
            fail(tool: tool, error)
        }
        exit(0)
    }

    public static func fail(tool: String, _ error: Error) -> Never {
        Log.line("\(tool): \(error)")
        exit(1)
    }
}
