import Testing
@testable import HyphaEngine

/// A revoked device stops acting: it refuses to write, authorise, deny or revoke with one line,
/// and membership operations carried in its log after its cut-off count nowhere.
@Suite struct RevokedDeviceTests {
    let master = SimulatedNode.master(51)

    func setUp() throws -> (desktop: SimulatedNode, tablet: SimulatedNode) {
        let (desktop, tablet) = try SimulatedNode.authorisedPair(master: master, names: ("desktop", "tablet"))
        try tablet.put("from-tablet", "before")
        try desktop.pull(from: tablet)
        let (_, cutoff) = try desktop.database.revoke(writer: tablet.deviceKey)
        #expect(cutoff == 1)
        return (desktop, tablet)
    }

    func isRevocation(_ error: any Error) -> Bool {
        guard case .revoked(by: "desktop", on: _)? = error as? NodeError else { return false }
        return "\(error)".hasPrefix("this device was revoked by desktop on ")
    }

    @Test func aRevokedDeviceRefusesEverythingWithOneLine() throws {
        let (desktop, tablet) = try setUp()
        try tablet.pull(from: desktop)
        #expect(try tablet.database.revocation(of: tablet.deviceKey) != nil)
        #expect(performing: { try tablet.put("after", "no") }, throws: isRevocation)
        let joiner = try SimulatedNode(master: master, deviceID: 3)
        let request = try tablet.receiveRequest(from: joiner)
        #expect(performing: { try tablet.database.approve(request: request) }, throws: isRevocation)
        #expect(performing: { try tablet.database.deny(request: request) }, throws: isRevocation)
        #expect(performing: { try tablet.database.revoke(writer: desktop.deviceKey) }, throws: isRevocation)
        #expect(performing: { try tablet.database.authorise(device: joiner.deviceKey, name: "x") }, throws: isRevocation)
        #expect(try tablet.value("from-tablet") == "before")      // it still reads what counts
    }

    @Test func anApprovalItSignsAfterItsCutOffCountsNowhere() throws {
        let (desktop, tablet) = try setUp()
        // The tablet has not heard of its revocation yet and approves a joiner.
        let joiner = try SimulatedNode(master: master, deviceID: 3)
        try tablet.authorise(joiner, name: "joiner")            // raw root-signed add-writer in its log
        try tablet.put("late", "after the cut-off")
        let other = try SimulatedNode(master: master, deviceID: 4)
        try desktop.authorise(other, name: "other")
        for node in [desktop, other] { try node.pull(from: tablet) }
        try other.pull(from: desktop)
        try tablet.pull(from: desktop)
        for node in [desktop, other, tablet] {
            #expect(try node.database.status(of: joiner.deviceKey) == .unknown)
            #expect(try node.value("late") == nil)
            #expect(try node.value("from-tablet") == "before")
        }
        // Nothing after the cut-off is stored (the tablet's own copy included).
        for node in [desktop, other, tablet] {
            #expect(try node.database.writers().first { $0.key == tablet.deviceKey }?.length == 1)
        }
        #expect(try desktop.snapshot() == other.snapshot())
    }

    @Test func devicesRevokingEachOtherAtOnceSettleTheSameWayEverywhere() throws {
        let desktop = try SimulatedNode(master: master, deviceID: 1)
        try desktop.createDatabase(name: "desktop")
        let laptop = try SimulatedNode(master: master, deviceID: 2)
        let tablet = try SimulatedNode(master: master, deviceID: 3)
        try desktop.authorise(laptop, name: "laptop")
        try desktop.authorise(tablet, name: "tablet")
        for node in [laptop, tablet] { try node.pull(from: desktop) }
        try laptop.put("l", "1")
        try tablet.put("t", "1")
        for node in [laptop, tablet] { try desktop.pull(from: node) }
        for node in [laptop, tablet] { try node.pull(from: desktop) }
        // Each revokes the other before hearing of the other's revocation.
        try laptop.database.revoke(writer: tablet.deviceKey)
        try tablet.database.revoke(writer: laptop.deviceKey)
        // They reach the desktop in opposite orders on two copies of it.
        let copy = try SimulatedNode(master: master, deviceID: 4)
        try desktop.authorise(copy, name: "copy")
        try copy.pull(from: desktop)
        try desktop.pull(from: laptop); try desktop.pull(from: tablet)
        try copy.pull(from: tablet); try copy.pull(from: laptop)
        for _ in 0..<3 {
            for (x, y) in [(desktop, copy), (copy, desktop), (laptop, desktop), (tablet, desktop), (laptop, copy), (tablet, copy)] {
                try x.pull(from: y)
            }
        }
        let expected = try desktop.snapshot()
        for node in [copy, laptop, tablet] { #expect(try node.snapshot() == expected) }
        // Exactly one of the two removals counts: one device is removed, the other is not.
        let statuses = try [laptop, tablet].map { try desktop.database.status(of: $0.deviceKey) }
        #expect(statuses.filter { $0 == .removed }.count == 1)
    }
}
