#if canImport(Glibc)
import Glibc
#endif

/// Writes a `JSONValue` as the bytes Python's
/// `json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))` gives: keys sorted by
/// code point, `/` and non-ASCII left as they are, doubles as `repr` writes them (`1.0`, `1e-05`,
/// `1e+16`), so doubles stay doubles through a round trip. Non-finite doubles are written as null.
struct JSONWriter {
    var out: [UInt8] = []

    mutating func write(_ v: JSONValue) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): writeInt(i)
        case .bigInt(let s): out.append(contentsOf: s.utf8)
        case .double(let d): writeDouble(d)
        case .string(let s): writeString(s)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (k, e) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(e)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            // UTF-8 byte order is code point order, which is how Python sorts str keys
            // (Swift's String `<` compares canonically equivalent strings as equal). The members'
            // positions are sorted, on the stack: no copies of them, no array per object.
            withUnsafeTemporaryAllocation(of: JSONObject.Index.self, capacity: o.count) { buffer in
                var order = buffer
                _ = order.initialize(from: o.indices)
                order.sort { Self.utf8Precedes(o[$0].key, o[$1].key) }
                for (k, i) in order.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    writeString(o[i].key)
                    out.append(UInt8(ascii: ":"))
                    write(o[i].value)
                }
                order.deinitialize()
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                return c < 0 || (c == 0 && x.count < y.count)
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private mutating func writeInt(_ i: Int64) {
        if i >= 0 && i < 10 { out.append(UInt8(ascii: "0") + UInt8(i)); return }
        out.append(contentsOf: String(i).utf8)
    }

    /// Python's repr: shortest round-trip digits (Swift's `description` finds the same ones), fixed
    /// notation for decimal exponents -4 ..< 16, otherwise `d.ddde±XX`.
    private mutating func writeDouble(_ d: Double) {
        guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
        // description is `I.F`, `I`, or either followed by `e±X`: gather the significant digits and
        // the decimal exponent of the first one.
        var text = Array(d.description.utf8)
        if text.first == UInt8(ascii: "-") { out.append(UInt8(ascii: "-")); text.removeFirst() }
        var e = 0
        if let x = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            e = Int(String(decoding: text[(x + 1)...], as: UTF8.self))!
            text.removeSubrange(x...)
        }
        let point = text.firstIndex(of: UInt8(ascii: ".")) ?? text.count
        e += point - 1
        var digits = text.filter { $0 != UInt8(ascii: ".") }
        while digits.count > 1 && digits.first == UInt8(ascii: "0") { digits.removeFirst(); e -= 1 }
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits == [UInt8(ascii: "0")] { out.append(contentsOf: "0.0".utf8); return }
        if e < -4 || e >= 16 {
            out.append(digits[0])
            if digits.count > 1 { out.append(UInt8(ascii: ".")); out.append(contentsOf: digits[1...]) }
            out.append(UInt8(ascii: "e"))
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            if abs(e) < 10 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: String(abs(e)).utf8)
        } else if e < 0 {
            out.append(contentsOf: "0.".utf8)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -e - 1))
            out.append(contentsOf: digits)
        } else {
            let whole = e + 1
            if digits.count <= whole {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: whole - digits.count))
                out.append(contentsOf: ".0".utf8)
            } else {
                out.append(contentsOf: digits[..<whole])
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[whole...])
            }
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Plain runs are copied in bulk; `"`, `\` and control characters are escaped as Python does.
    private mutating func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            guard let base = u.baseAddress else { return }
            var run = 0
            while true {
                let k = jsonPlainRunEnd(base, from: run, to: u.count)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<k]))
                if k == u.count { break }
                let c = u[k]
                run = k + 1
                out.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(c)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: "u00".utf8)
                    out.append(Self.hex[Int(c >> 4)])
                    out.append(Self.hex[Int(c & 0xF)])
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
