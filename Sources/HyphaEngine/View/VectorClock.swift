/// A vector clock over local writer row ids: how many blocks of each log an entry's author had
/// seen (its own log included). Derived data only: row ids never leave this node.
struct VectorClock: Equatable, Sendable {
    private(set) var lengths: [Int64: UInt64] = [:]

    subscript(writer: Int64) -> UInt64 {
        get { lengths[writer] ?? 0 }
        set { if newValue == 0 { lengths.removeValue(forKey: writer) } else { lengths[writer] = newValue } }
    }

    /// Pointwise maximum.
    mutating func merge(_ other: VectorClock) {
        for (writer, length) in other.lengths where length > self[writer] { self[writer] = length }
    }

    /// Whether the entry at `index` of `writer`'s log is in this clock's past.
    func covers(writer: Int64, index: UInt64) -> Bool { self[writer] > index }

    var encoded: [UInt8] {
        var w = BinaryWriter(capacity: lengths.count * 6 + 1)
        w.varint(UInt64(lengths.count))
        for (writer, length) in lengths.sorted(by: { $0.key < $1.key }) {
            w.varint(UInt64(writer))
            w.varint(length)
        }
        return w.bytes
    }

    init() {}

    init(encoded: [UInt8]) throws {
        var r = BinaryReader(encoded)
        let count = try r.varint()
        for _ in 0..<count {
            let writer = try r.varint()
            guard writer <= UInt64(Int64.max) else { throw BinaryDecodingError.invalidValue("writer id") }
            self[Int64(writer)] = try r.varint()
        }
        try r.expectEnd()
    }
}
