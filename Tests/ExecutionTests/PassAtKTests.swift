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
