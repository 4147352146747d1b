import EvalCore
import Foundation
import Testing
@testable import Execution

/// Programs that attack the host, each graded in a real sandbox: every one must fail, and the
/// host must be untouched afterwards (marker files, no connection, no process left behind).
/// Runs at each level that works here (basic always; bwrap where user namespaces allow).
@Suite(.serialized) struct HostileProgramTests {
    static let levels: [SandboxLevel] = Sandbox.bwrapProblem() == nil ? [.bwrap, .basic] : [.basic]

    /// A HumanEval-style program whose check passes only if the attack "worked".
    static func check(_ code: String, test: String = "def check(candidate):\n    assert candidate() == 'pwned'\n",
                      timeout: Int = 2) -> Program {
        Program(mode: .check, code: code, fnName: "f", test: test, timeout: timeout)
    }

    static func engine(_ level: SandboxLevel) throws -> Engine {
        var limits = Limits()
        limits.memoryBytes = 1 << 30
        return try Engine(sandbox: Sandbox(level: level, limits: limits), jobs: 2)
    }

    /// Processes owned by the sandbox uids (root runs programs as 1900000 + slot).
    static func leftovers() -> [String] {
        guard geteuid() == 0 else { return [] }
        var out: [String] = []
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let uidLine = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
                  let uid = uidLine.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap({ Int($0) })
            else { continue }
            if (1_900_000..<1_901_000).contains(uid) { out.append(pid) }
        }
        return out
    }

    static func waitNoLeftovers() -> [String] {
        for _ in 0..<50 { if leftovers().isEmpty { return [] }; usleep(100_000) }
        return leftovers()
    }

    @Test(arguments: levels) func forkBombIsContained(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import ctypes
            libc = ctypes.CDLL(None)
            def f():
                while True:
                    libc.fork()
            """))
        #expect(o.results != nil && !o.passed)
        #expect(Self.waitNoLeftovers().isEmpty)
    }

    @Test(arguments: levels) func infiniteLoopTimesOut(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("def f():\n    while True:\n        pass\n", timeout: 1))
        #expect(o.results == [.int(-3)])
    }

    @Test(arguments: levels) func unboundedOutputIsCapped(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("def f():\n    while True:\n        print('x' * 1000)\n", timeout: 1))
        #expect(o.results == [.int(-3)])
        // And the next program runs normally on the same worker.
        #expect(e.run(Self.check("def f():\n    return 'pwned'\n")).passed)
    }

    @Test(arguments: levels) func hugeAllocationFails(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("def f():\n    x = bytearray(10 << 30)\n    return 'pwned'\n"))
        #expect(o.results == [.bool(false)])
    }

    @Test(arguments: levels) func filesOutsideItsDirectorySurvive(level: SandboxLevel) throws {
        // Under /tmp, not TMPDIR: make test's private TMPDIR is 0700, which the basic level's
        // program (its own uid) could not even look into, so it would not see the marker at all.
        let dir = "/tmp/evalpipe-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let marker = "\(dir)/marker"
        try "keep".write(toFile: marker, atomically: true, encoding: .utf8)
        // Its own name per run: the basic level, which leaves /tmp shared, runs at the same time.
        let outside = "/tmp/evalpipe-sandbox-escape-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outside) }
        setenv("HOME", dir, 1)
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import ctypes, os, glob
            libc = ctypes.CDLL(None)
            def f():
                for p in ["\(marker)", os.path.expanduser("~/marker")]:
                    try:
                        open(p, "w").write("gone")
                    except OSError:
                        pass
                    libc.unlink(p.encode())
                libc.rmdir(b"\(dir)")
                open("\(outside)", "w").write("x")
                return "pwned" if not os.path.exists("\(marker)") else "kept"
            """))
        #expect(!o.passed)
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "keep")
        if level == .bwrap { #expect(!FileManager.default.fileExists(atPath: outside)) }
    }

    @Test(arguments: levels) func noNetworkConnectionArrives(level: SandboxLevel) throws {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, len) } }
        listen(server, 8)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(server, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import socket
            def f():
                s = socket.create_connection(("127.0.0.1", \(port)), timeout=1)
                s.sendall(b"hello")
                return "pwned"
            """))
        var flags = fcntl(server, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(server, F_SETFL, flags)
        let accepted = accept(server, nil, nil)
        if accepted >= 0 { close(accepted) }
        if level == .bwrap {
            #expect(o.results == [.bool(false)])
            #expect(accepted < 0, "a connection reached the host")
        } else {
            // basic has no network isolation (stderr says so); the program is still graded.
            #expect(o.results != nil)
        }
    }

    @Test(arguments: levels) func secretsAreNotVisible(level: SandboxLevel) throws {
        setenv("OPENAI_API_KEY", "sk-evalpipe-test-secret", 1)
        setenv("HF_TOKEN", "hf_evalpipe_test_secret", 1)
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import os, glob
            def f():
                found = [os.environ.get("OPENAI_API_KEY"), os.environ.get("HF_TOKEN")]
                for p in glob.glob("/proc/*/environ"):
                    try:
                        found.append(open(p, "rb").read().decode("latin-1"))
                    except OSError:
                        pass
                text = " ".join(x for x in found if x)
                return "pwned" if "evalpipe-test-secret" in text or "evalpipe_test_secret" in text else "clean"
            """))
        #expect(o.results == [.bool(false)])
    }

    @Test(arguments: levels) func killingTheHarnessDoesNotPass(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import ctypes, os
            libc = ctypes.CDLL(None)
            libc.kill(os.getppid(), 9)
            libc.kill(-1, 9)
            def f():
                return "pwned"
            """, test: "def check(candidate):\n    assert False\n"))
        #expect(!o.passed)
        #expect(e.run(Self.check("def f():\n    return 'pwned'\n")).passed)
    }

    @Test(arguments: levels) func daemonDoesNotOutliveTheRun(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let o = e.run(Self.check("""
            import ctypes, time
            libc = ctypes.CDLL(None)
            def f():
                if libc.fork() == 0:
                    libc.setsid()
                    if libc.fork() == 0:
                        while True:
                            time.sleep(0.1)
                    libc._exit(0)
                time.sleep(0.2)
                return "done"
            """))
        #expect(!o.passed)
        #expect(Self.waitNoLeftovers().isEmpty)
    }

    @Test(arguments: levels) func exitOrFakeResultsDoNotPass(level: SandboxLevel) throws {
        let e = try Self.engine(level)
        defer { e.shutdown() }
        let failing = "def check(candidate):\n    assert False\n"
        // sys.exit before the tests: the reference's no-result default, -2.
        #expect(e.run(Self.check("import sys\nsys.exit(0)\ndef f():\n    pass\n", test: failing)).results == [.int(-2)])
        // A fake success marker on stdout, and forged messages on the result channel.
        for code in ["print('{\"result\": [true]}')\n",
                     "import os\nos.write(3, b'{\"result\": [true]}\\n')\n",
                     "import os\nos.write(3, b'{\"nonce\": \"0\", \"result\": [true]}\\n')\n"] {
            let o = e.run(Self.check(code + "def f():\n    pass\n", test: failing))
            #expect(!o.passed, "\(code)")
        }
        // Closing the channel: even a correct program then has no result.
        let closed = e.run(Self.check("import os\nos.close(3)\ndef f():\n    return 'pwned'\n"))
        #expect(closed.results == [.int(-2)])
    }
}
