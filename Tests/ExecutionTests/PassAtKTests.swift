import Testing
@testable import Execution

@Suite struct PassAtKTests {
    @Test func knownValues() {
        #expect(PassAtK.estimate(n: 10, correct: 6, k: 1) == 0.5999999999999999)
        #expect(PassAtK.estimate(n: 10, correct: 1, k: 1) == 0.09999999999999998)
        #expect(PassAtK.estimate(n: 10, correct: 1, k: 10) == 1.0)
        #expect(PassAtK.estimate(n: 10, correct: 0, k: 10) == 0.0)
        #expect(PassAtK.estimate(n: 3, correct: 1, k: 10) == nil)
    }
}

import Foundation

/// Every (n, c, k) with n ≤ 30 against numpy's own arithmetic in the reference's estimator.
@Suite struct PassAtKNumpyTests {
    @Test func agreesWithNumpy() throws {
        guard let python = ProcessInfo.processInfo.environment["ORACLE_PYTHON"] else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("ORACLE_PYTHON is unset (eval \"$(bin/oracle-setup)\")") }
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", """
            import numpy as np
            for n in range(1, 31):
                for c in range(0, n + 1):
                    for k in range(1, n + 1):
                        v = 1.0 if n - c < k else 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))
                        print(n, c, k, float(v).hex())
            """]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        var count = 0
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            let (n, c, k) = (Int(f[0])!, Int(f[1])!, Int(f[2])!)
            let want = Double(String(f[3]))!
            #expect(PassAtK.estimate(n: n, correct: c, k: k) == want, "n=\(n) c=\(c) k=\(k)")
            count += 1
        }
        #expect(count == 9920)
    }
}
