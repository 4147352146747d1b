import ArgumentParser
import CLI
import EvalCore
import Foundation
import ModelClient

struct CallModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call-model",
        abstract: "Sends each record's messages to a chat-completions server and adds its responses.",
        discussion: """
            render-prompts … | call-model --model hosted_vllm/Qwen/Qwen3-8B --base-url http://localhost:8000/v1 | strip-reasoning

            Models are named as in LiteLLM: hosted_vllm/<org>/<model> (needs --base-url), openai/<model> \
            (OPENAI_API_KEY), deepinfra/<org>/<model> (DEEPINFRA_API_KEY), openai_compatible/<model>, or any \
            name with --base-url. Keys are read from the environment or ./.env; https_proxy and no_proxy are \
            honoured. Records are written as they finish, in completion order. Connection errors, timeouts, \
            408/409/425/429 and 5xx are retried with backoff (Retry-After honoured; 429 also lowers the \
            concurrency until the server recovers). A record whose request finally fails gets status \
            api_error and call.error, never an empty answer; the exit status is then 1.

            A record with `followups` (later user turns, strings) is a conversation: each draw sends the \
            turns one by one, and its response carries every turn in `turns`. Generation keys top_k, \
            min_p, repetition_penalty, frequency_penalty, presence_penalty and chat_template_kwargs are \
            sent as they are; --extra-body adds keys to every request.
            """,
        version: Evalpipe.version)

    @Option(help: "Model, with a provider prefix.")
    var model: String

    @Option(help: ArgumentHelp("Server URL up to /v1 (required for hosted_vllm and bare names).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Most requests in flight (default: $LITELLM_CONCURRENT_CALLS, else 64).", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Most draws asked for in one request; larger n is split into parallel requests.", valueName: "k"))
    var maxN: Int?

    @Option(help: ArgumentHelp(#"JSON object added to every request body, e.g. '{"top_k":20,"chat_template_kwargs":{"enable_thinking":false}}'."#,
                               valueName: "json"))
    var extraBody: String?

    @Option(help: ArgumentHelp("HTTP requests per draw chunk before the record is an api_error.", valueName: "n"))
    var maxAttempts = 5

    @Option(help: ArgumentHelp("Seconds per request (default: $REQUEST_TIMEOUT, else 6000).", valueName: "seconds"))
    var timeout: Double?

    @Option(help: ArgumentHelp("Append records to FILE instead of stdout; a rerun skips what FILE holds and retries its api_errors.", valueName: "file"))
    var output: String?

    @Flag(help: "When another call-model is writing --output FILE, wait for it to end and then resume, instead of failing.")
    var waitForLock = false

    @Option(help: ArgumentHelp("Largest response body accepted, in bytes; a larger one makes the record an api_error.", valueName: "bytes"))
    var maxResponseBytes = Limits.defaultResponseBytes

    @Option(help: ArgumentHelp("Most draws (generation.n) one record may ask for; a record asking more is an input error.", valueName: "n"))
    var maxDraws = Limits.defaultDraws

    @Flag(help: "Show progress on stderr even when it is not a terminal.")
    var progress = false

    @OptionGroup var input: InputFiles

    func validate() throws {
        let env = ProcessInfo.processInfo.environment
        guard try resolvedConcurrency(env) >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard try resolvedTimeout(env) > 0 else { throw ValidationError("--timeout must be positive") }
        guard maxN.map({ $0 >= 1 }) ?? true else { throw ValidationError("--max-n must be at least 1") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard maxResponseBytes >= 1024 else { throw ValidationError("--max-response-bytes must be at least 1024") }
        guard maxDraws >= 1 else { throw ValidationError("--max-draws must be at least 1") }
        do { _ = try Endpoint.resolve(model: model, baseURL: baseURL) } catch { throw ValidationError("\(error)") }
        _ = try parsedExtraBody()
    }

    func parsedExtraBody() throws -> JSONObject {
        guard let extraBody else { return [:] }
        guard let o = (try? JSON.decode(Data(extraBody.utf8)))?.object else {
            throw ValidationError("--extra-body must be a JSON object")
        }
        let built = Set(o.keys).intersection(Endpoint.builtKeys)
        guard built.isEmpty else {
            throw ValidationError("--extra-body cannot set \(built.sorted().joined(separator: ", ")): set them with render-prompts")
        }
        return o
    }

    func resolvedConcurrency(_ env: [String: String]) throws -> Int {
        if let concurrency { return concurrency }
        guard let v = env["LITELLM_CONCURRENT_CALLS"] else { return 64 }
        guard let n = Int(v) else { throw ValidationError("LITELLM_CONCURRENT_CALLS is not an integer: \(v)") }
        return n
    }

    func resolvedTimeout(_ env: [String: String]) throws -> Double {
        if let timeout { return timeout }
        guard let v = env["REQUEST_TIMEOUT"] else { return 6000 }
        guard let s = Double(v) else { throw ValidationError("REQUEST_TIMEOUT is not a number: \(v)") }
        return s
    }

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let options = CallModelOptions(
            model: model, baseURL: baseURL, concurrency: try resolvedConcurrency(env), maxN: maxN,
            extraBody: try parsedExtraBody(),
            retry: RetryPolicy(maxAttempts: maxAttempts), timeout: try resolvedTimeout(env),
            output: output, waitForLock: waitForLock, limits: Limits(responseBytes: maxResponseBytes, draws: maxDraws),
            progress: progress, inputs: input.inputs)
        let summary = try CallModel.runBlocking(options)
        Log.line(summary.line)
        if let e = summary.inputError { throw e }
        if summary.failed { Foundation.exit(1) }
    }
}

CallModelCommand.runMain()
