/// Decides which remove-writer operations count (docs/PROTOCOL.md, "Membership").
///
/// A removal carried at position p of log C is *cut* by a removal of C whose cut is ≤ p: it is
/// then after its carrier's cut-off and must not count. Labelling, as in grounded argumentation:
/// a removal is IN when every removal that would cut it is OUT, OUT when one that cuts it is IN.
/// What stays undecided is a cycle (devices revoking each other concurrently): the earliest
/// undecided removal in (createdAt, hash) order is made IN and labelling goes on. A removal that
/// cuts its own carrier at or before itself, or lies beyond its carrier's fork point or
/// integrity cap, is OUT from the start.
///
/// The result is a pure function of the stored operations, and deleting OUT removals beyond
/// their carrier's cut-off (nodes do not store them) leaves the IN set unchanged.
struct RemovalLabelling {
    typealias Record = MembershipIndex.Record

    let removals: [Record]              // in (createdAt, hash) order
    /// The carrier's fork point and integrity cap.
    let baseLimit: (PublicKey) -> UInt64
    /// The cut a removal makes in its subject's log.
    let cut: (Record) throws -> UInt64

    private enum Label { case undecided, isIn, isOut }

    /// The removals that count, in (createdAt, hash) order.
    func counting() throws -> [Record] {
        var subjects: [PublicKey?] = []
        var cuts: [UInt64] = []
        for record in removals {
            subjects.append(record.body.removedWriter)
            cuts.append(try cut(record))
        }
        // cutters[i]: the removals that cut removal i's carrier at or before its position.
        var labels = [Label](repeating: .undecided, count: removals.count)
        var cutters = [[Int]](repeating: [], count: removals.count)
        for (i, record) in removals.enumerated() {
            guard record.sourceIndex < baseLimit(record.carrier) else {
                labels[i] = .isOut
                continue
            }
            for j in removals.indices where subjects[j] == record.carrier && cuts[j] <= record.sourceIndex { cutters[i].append(j) }
            if cutters[i].contains(i) { labels[i] = .isOut }
        }
        while true {
            var changed = true
            while changed {
                changed = false
                for i in removals.indices where labels[i] == .undecided {
                    if cutters[i].allSatisfy({ labels[$0] == .isOut }) {
                        labels[i] = .isIn
                        changed = true
                    } else if cutters[i].contains(where: { labels[$0] == .isIn }) {
                        labels[i] = .isOut
                        changed = true
                    }
                }
            }
            guard let earliest = labels.firstIndex(of: .undecided) else { break }
            labels[earliest] = .isIn
        }
        return removals.indices.filter { labels[$0] == .isIn }.map { removals[$0] }
    }
}

extension MembershipOperation.Body {
    /// The writer a remove-writer operation removes.
    var removedWriter: PublicKey? {
        if case let .removeWriter(writer, _, _) = self { return writer }
        return nil
    }
}
