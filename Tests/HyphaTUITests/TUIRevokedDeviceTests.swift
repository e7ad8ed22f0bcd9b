@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// A device that learns it was revoked: it says so, raises no alerts, writes nothing, and
/// offers to delete this database's data from itself.
@Suite struct TUIRevokedDeviceTests {
    static let revocation = Revocation(by: "desktop", on: "2026-12-01")
    static let rows = [
        NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .revoked, isThisNode: true, requestID: nil),
        NodeRow(name: "desktop", key: String(repeating: "d0", count: 32), status: .authorised, isThisNode: false, requestID: nil),
    ]

    static func revoked(size: Size = Size(width: 80, height: 24)) -> AppDriver {
        var app = AppDriver.main(rows: [Fixtures.entry("notes/tips", "buy milk")], size: size)
        app.send(.nodesLoaded(rows, writable: false, revocation: revocation))
        return app
    }

    @Test func itSaysSoPlainly() {
        let app = Self.revoked(size: Size(width: 120, height: 40))
        let text = app.screenText()
        #expect(text.contains("This device was revoked by desktop on 2026-12-01. It can read what it holds but can no longer write or approve."))
        #expect(text.contains("· revoked"))
        #expect(text.contains("X remove local data"))
        // It still reads what it holds.
        #expect(text.contains("buy milk"))
    }

    @Test func itNoLongerWrites() {
        var app = Self.revoked()
        #expect(app.press(.char("a")).isEmpty)
        #expect(app.main?.editor == nil)
        #expect(app.screenText().contains("This device was revoked: it can read what it holds but no longer write."))
    }

    @Test func itRaisesNoAuthoriseAlert() {
        var app = AppDriver.main(rows: [])
        app.send(.backend(.requestArrived(Fixtures.request("aa01", name: "phone", code: "111-222"))))
        #expect(app.main?.modal != nil)
        // The revocation arrives while the alert is open: it closes, and no other opens.
        app.send(.nodesLoaded(Self.rows, writable: false, revocation: Self.revocation))
        #expect(app.main?.modal == nil)
        app.send(.backend(.requestArrived(Fixtures.request("bb02", name: "tablet", code: "333-444"))))
        #expect(app.main?.modal == nil)
        #expect(!app.screenText().contains("pending"))
    }

    @Test func aFailedReloadDoesNotForgetIt() {
        var app = Self.revoked()
        app.send(.nodesLoaded([], writable: false))
        #expect(app.main?.revocation == Self.revocation)
    }

    @Test func removingTheDataAsksWithKeepAsTheDefault() throws {
        var app = Self.revoked()
        app.press(.char("X"))
        let modal = try #require(app.main?.modal)
        #expect(modal.purpose == .removeLocalData)
        #expect(modal.dialog.buttons[modal.dialog.focusedButton].label == "Keep")
        #expect(app.screenText().contains("Remove this database's data from this device?"))
        #expect(app.press(.enter).isEmpty)  // Keep
        #expect(app.main?.modal == nil)

        app.press(.char("X"))
        #expect(app.press(.char("y")) == [.removeLocalData])
        app.send(.localDataRemoved(failure: nil))
        #expect(app.model.screen.name == "welcome")
        #expect(app.model.node == nil)
        #expect(app.screenText().contains("Removed this database's data from this device."))
    }

    @Test func aFailedRemovalStaysAndSaysWhy() {
        var app = Self.revoked()
        app.press(.char("X"), .char("y"))
        app.send(.localDataRemoved(failure: "could not delete /x/hypha.log: Permission denied"))
        #expect(app.model.screen.name == "main")
        #expect(app.screenText().contains("Could not remove the data: could not delete /x/hypha.log"))
    }

    @Test func aDeviceThatWasNotRevokedIsNotOffered() {
        var app = AppDriver.main(rows: [])
        #expect(app.press(.char("X")).isEmpty)
        #expect(app.main?.modal == nil)
        #expect(app.screenText().contains("only from a device that was revoked"))
    }

    @Test func theNodesPaneMarksForkedAndRevokedWriters() {
        var app = AppDriver.main(rows: [], size: Size(width: 120, height: 40))
        app.send(.nodesLoaded([
            NodeRow(name: "laptop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "old-phone", key: String(repeating: "c4", count: 32), status: .revoked, isThisNode: false, requestID: nil),
            NodeRow(name: "copy", key: String(repeating: "e5", count: 32), status: .authorised, isThisNode: false, requestID: nil,
                    forkedAt: 12),
        ], writable: true))
        let text = app.screenText()
        #expect(text.contains("old-phone  revoked  c4c4c4c4"))
        #expect(text.contains("copy  authorised  forked at 12  e5e5e5e5"))
    }

    @Test func helpDocumentsTheKey() {
        var app = Self.revoked(size: Size(width: 120, height: 40))
        app.press(.char("?"))
        #expect(app.screenText().contains("Once this device is revoked"))
    }
}
