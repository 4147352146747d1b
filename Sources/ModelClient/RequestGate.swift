import Foundation

/// Caps HTTP requests in flight. The cap starts at `--concurrency`, shrinks by a quarter when the
/// server answers 429 (once per episode: the 429s of requests already in flight count as one), and
/// grows back by one each time as many requests as the cap succeed in a row. Requests that wait
/// in backoff hold no permit.
final class RequestGate: @unchecked Sendable {
    let maximum: Int
    private let lock = NSLock()
    private var limit: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var successes = 0
    /// Requests started after the last cut: a 429 from one started before is the same episode.
    private var generation = 0

    init(maximum: Int) {
        self.maximum = max(1, maximum)
        limit = self.maximum
    }

    var currentLimit: Int { lock.withLock { limit } }

    /// Waits for a permit; returns the episode the request starts in (pass it to `tooManyRequests`).
    func acquire() async -> Int {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let admitted = lock.withLock {
                if inFlight < limit { inFlight += 1; return true }
                waiters.append(c)
                return false
            }
            if admitted { c.resume() }
        }
        return lock.withLock { generation }
    }

    func release() {
        let wake: [CheckedContinuation<Void, Never>] = lock.withLock {
            inFlight -= 1
            var out: [CheckedContinuation<Void, Never>] = []
            while inFlight < limit, !waiters.isEmpty {
                inFlight += 1
                out.append(waiters.removeFirst())
            }
            return out
        }
        for c in wake { c.resume() }
    }

    /// Call before `release()`, which then admits the extra waiter a raised limit allows.
    func succeeded() {
        lock.withLock {
            successes += 1
            guard limit < maximum, successes >= limit else { return }
            successes = 0
            limit += 1
        }
    }

    func tooManyRequests(startedIn episode: Int) {
        lock.withLock {
            guard episode == generation else { return }
            generation += 1
            successes = 0
            limit = max(1, limit - limit / 4)  // not limit * 3 / 4: --concurrency may be near Int.max
        }
    }
}
