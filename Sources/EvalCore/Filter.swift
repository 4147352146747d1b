import Foundation

/// The loop every record-at-a-time stage shares: read, transform, write. The first error is
/// returned placed at its `file:line`, after what was already written has been flushed, so the
/// output up to the bad record stays intact; the tool's entry point prints it and exits 1.
public enum Filter {
    public static func run(inputs: [String], writer: RecordWriter = RecordWriter(),
                           transform: (inout JSONObject, SourcedRecord) throws -> Void) throws {
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
            throw error
        }
    }

    /// The same loop for stages that write any number of records per input record, or hold some
    /// back until others arrive: `transform` calls `emit` for each record to write, and `finish`
    /// runs after the last input record (errors there name no line).
    public static func run(inputs: [String], writer: RecordWriter = RecordWriter(),
                           emitting transform: (JSONObject, SourcedRecord, (JSONObject) throws -> Void) throws -> Void,
                           finish: ((JSONObject) throws -> Void) throws -> Void = { _ in }) throws {
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
            throw error
        }
    }
}
