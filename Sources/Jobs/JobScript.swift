import EvalCore
import Foundation

/// One batch job: what runs, where, for how long, and what it waits for.
public struct JobSpec: Sendable {
    public var name: String
    public var nodeName: String
    public var node: ServiceConfig.Node
    public var walltime: Walltime
    /// stdout and stderr, merged.
    public var log: String
    public var group: String?
    public var priority: String?
    /// Shell commands run from the repository with `.env` loaded.
    public var command: String
    public var repo: String
}

/// Job scripts and submit commands in each scheduler's dialect.
public struct JobRenderer: Sendable {
    public let service: ServiceConfig
    public init(service: ServiceConfig) { self.service = service }

    public func script(_ job: JobSpec) -> String {
        var lines = ["#!/bin/bash", "# \(job.name): written by bin/submit for service \(service.name), node \(job.nodeName)"]
        let w = job.walltime.description
        switch service.scheduler {
        case .sge:
            lines += ["-S /bin/bash", "-cwd", "-N \(job.name)"].map { "#$ " + $0 }
            lines += job.node.options.map { "#$ " + $0 }
            lines += ["-l h_rt=\(w)"] .map { "#$ " + $0 }
            if let p = job.priority { lines.append("#$ -p \(p)") }
            lines += ["#$ -j y", "#$ -o \(job.log)"]
        case .pbs:
            lines += job.node.options.map { "#PBS " + $0 }
            lines.append("#PBS -l walltime=\(w)")
            if let g = job.group { lines.append("#PBS -P \(g)") }
            lines += ["#PBS -N \(job.name)", "#PBS -j oe", "#PBS -o \(job.log)"]
        case .slurm:
            lines += ["--job-name=\(job.name)", "--time=\(w)", "--output=\(job.log)"].map { "#SBATCH " + $0 }
            if let c = job.node.cpus { lines.append("#SBATCH --cpus-per-task=\(c)") }
            lines += job.node.options.map { "#SBATCH " + $0 }
        case .local:
            lines.append("# expected to finish within \(w)")
        }
        lines += [
            "set -euo pipefail",
            #"echo "evalpipe: job ${JOB_ID:-${PBS_JOBID:-${SLURM_JOB_ID:-local}}} on $(hostname) at $(date -u +%FT%TZ)" >&2"#,
            "cd \(shellQuote(job.repo))",
            "# .env holds keys: read at run time, never copied into this script.",
            "if [ -f .env ]; then set -a; . ./.env; set +a; fi",
            #"[ -z "${HUGGINGFACE_CACHE:-}" ] || export HF_HOME="$HUGGINGFACE_CACHE""#,
            #"[ -z "${VLLM_CACHE:-}" ] || export VLLM_CACHE_ROOT="$VLLM_CACHE""#,
            #"[ -z "${UV_CACHE:-}" ] || export UV_CACHE_DIR="$UV_CACHE""#,
        ]
        if let p = service.prologue { lines.append(p.trimmingCharacters(in: .newlines)) }
        lines.append(job.command)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The command that submits a script (the script's path is appended), waiting on `after`.
    public func submitCommand(_ job: JobSpec, after: [String]) -> [String] {
        switch service.scheduler {
        case .sge:
            // `-g` charges a TSUBAME group; it is a qsub flag there, never a `#$` line.
            return ["qsub", "-terse"] + (job.group.map { ["-g", $0] } ?? [])
                + (after.isEmpty ? [] : ["-hold_jid", after.joined(separator: ",")])
        case .pbs:
            return ["qsub"] + (job.group.map { ["-P", $0] } ?? []) + ["-q", job.nodeName]
                + (after.isEmpty ? [] : ["-W", "depend=afterok:" + after.joined(separator: ":")])
        case .slurm:
            return ["sbatch", "--parsable"] + (job.group.map { ["--account=\($0)"] } ?? [])
                + (after.isEmpty ? [] : ["--dependency=afterok:" + after.joined(separator: ":")])
        case .local:
            return ["bash"]
        }
    }

    /// The job id in a submit command's output: `307` (qsub -terse), `1234.pbs1`, `123;cluster`.
    public func jobID(fromSubmitOutput out: String) -> String? {
        guard let first = out.split(whereSeparator: \.isNewline).first else { return nil }
        let id = first.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return id.isEmpty ? nil : id
    }
}

/// The one rule for every value that reaches a job script or the results tree (bin/submit,
/// bin/status). Directive lines (`#$ -o …`, `#PBS -o …`, `#SBATCH --output=…`) end at a newline
/// and are split by the scheduler, so a newline there would start a shell command; a name that
/// becomes a folder could climb out of --results with `..`. Values are checked once, here, then
/// shell-quoted (`shellQuote`) or make-escaped (`makeAssignment`) where they are used.
public enum ScriptValue {
    public enum Kind: Sendable {
        /// Any text without control characters (a path, a command, a make variable).
        case text
        /// A scheduler directive's value: also no whitespace, `$` (Grid Engine and PBS expand it)
        /// or `%` (Slurm's file name patterns).
        case directive
        /// One folder name in results/: letters, digits and `._+-`, not `.`, `..` or a leading `-`.
        case pathComponent
    }

    @discardableResult
    public static func check(_ value: String, _ kind: Kind, field: String) throws -> String {
        if let bad = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw EvalError("control character U+\(String(format: "%04X", bad.value)) in \(value.debugDescription)", field: field,
                            hint: "a newline here would end a job script line and run the rest as a command")
        }
        switch kind {
        case .text: break
        case .directive:
            if let bad = value.unicodeScalars.first(where: { $0.properties.isWhitespace || $0 == "$" || $0 == "%" }) {
                throw EvalError("'\(bad)' in \(value.debugDescription) cannot go into a scheduler directive", field: field,
                                hint: "use a results path without spaces, $ or %")
            }
        case .pathComponent:
            let ok = !value.isEmpty && value != "." && value != ".." && !value.hasPrefix("-")
                && value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "._+-".unicodeScalars.contains($0)) }
            guard ok else {
                throw EvalError("\(value.debugDescription) is not a folder name", field: field,
                                hint: "letters, digits and . _ + - only, not . or .., so results stay inside --results")
            }
        }
        return value
    }

    /// `KEY=value` for make's command line, `$` doubled: make expands command-line values, so
    /// `$(shell …)` in a path would otherwise run.
    public static func makeAssignment(_ key: String, _ value: String) -> String {
        key + "=" + value.replacingOccurrences(of: "$", with: "$$")
    }
}

/// `'…'` with inner quotes escaped, for a POSIX shell.
public func shellQuote(_ s: String) -> String {
    if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@+%".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
