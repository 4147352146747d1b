import EvalCore
import Testing

@Suite struct PyRandomFloatTests {
    /// CPython 3.10 and 3.11: `r = random.Random(); r.seed(0)`, then `random()` twice; then after
    /// reseeding, `gauss(0.0, 1.0)` three times (the second is the first call's cached partner).
    @Test func randomAndGaussMatchCPython() {
        var r = PyRandom(seed: 0)
        #expect(r.random() == 0.8444218515250481)
        #expect(r.random() == 0.7579544029403025)
        var g = PyRandom(seed: 0)
        #expect([g.gauss(0, 1), g.gauss(0, 1), g.gauss(0, 1)] == [0.9417154046806644, -1.3965781047011498, -0.6797144480784211])
        #expect(g.random() == 0.5112747213686085)
        #expect(g.randbelow(1000) == 414)
    }
}
