@testable import HyphaEngine
@testable import HyphaTUI
import Testing
import Widgets

/// Requests answered on another node: the open alert closes by itself, and no node shows as
/// both authorised and pending.
@Suite struct TUIRequestsElsewhereTests {
    static let laptop = Fixtures.request("aa01", name: "laptop", code: "482-193")
    static let phone = Fixtures.request("bb02", name: "phone", code: "730-001")

    static func withAlert() -> AppDriver {
        var app = AppDriver.main(rows: [])
        app.send(.tick(now: 10))
        app.send(.backend(.requestArrived(laptop)))
        return app
    }

    @Test func theAlertClosesWhenItsRequestWasAnsweredElsewhere() throws {
        var app = Self.withAlert()
        app.send(.backend(.requestArrived(Self.phone)))
        // The reloaded list lacks the open alert's request: ask what became of it first (a
        // list read just before the request was stored must not close its alert).
        let commands = app.send(.requestsLoaded([Self.phone]))
        #expect(commands.contains(.checkRequest(id: "aa01")))
        #expect(app.main?.modal?.purpose == .authorise(Self.laptop))

        app.send(.requestClosed(id: "aa01", .approved))
        #expect(app.screenText().contains("Request from laptop was answered on another node."))
        // The next request's alert takes its place.
        #expect(app.main?.modal?.purpose == .authorise(Self.phone))
    }

    @Test func anExpiredRequestSaysSo() {
        var app = Self.withAlert()
        app.send(.requestsLoaded([]))
        app.send(.requestClosed(id: "aa01", .expired))
        #expect(app.main?.modal == nil)
        #expect(app.screenText().contains("Request from laptop expired."))
    }

    @Test func aClosedRequestWhoseAlertIsNotOpenOnlyLeavesTheQueue() {
        var app = Self.withAlert()
        app.send(.backend(.requestArrived(Self.phone)))
        app.send(.requestClosed(id: "bb02", .denied))
        #expect(app.main?.modal?.purpose == .authorise(Self.laptop))
        #expect(app.main?.requests.map(\.id) == ["aa01"])
        #expect(!app.screenText().contains("answered on another node"))
    }

    @Test func theAlertClosesWhenItsDeviceBecameAWriter() {
        var app = Self.withAlert()
        app.send(.nodesLoaded([
            NodeRow(name: "desktop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "laptop", key: Self.laptop.deviceKey, status: .authorised, isThisNode: false, requestID: nil),
        ], writable: true))
        #expect(app.main?.modal == nil)
        #expect(app.screenText().contains("Request from laptop was answered on another node."))
        // Listed once, as authorised; not also as pending, and not counted as pending.
        #expect(app.main?.nodes.map(\.status) == [.authorised, .authorised])
        #expect(!app.screenText().contains("pending"))
    }

    @Test func aRevokedDevicesRequestIsNotListedAsPending() {
        var app = AppDriver.main(rows: [])
        app.send(.nodesLoaded([
            NodeRow(name: "desktop", key: AppDriver.deviceKey, status: .authorised, isThisNode: true, requestID: nil),
            NodeRow(name: "phone", key: Self.phone.deviceKey, status: .revoked, isThisNode: false, requestID: nil),
        ], writable: true))
        app.send(.backend(.requestArrived(Self.phone)))
        #expect(app.main?.modal == nil)
        #expect(app.main?.nodes.count == 2)
    }

    @Test func aFailedApprovalShowsItsOneLineReason() {
        var app = Self.withAlert()
        app.send(.tick(now: 11))
        #expect(app.press(.char("a")) == [.authorise(requestID: "aa01", name: "laptop")])
        let reason = "laptop was denied by desktop; a denied request can never be approved."
        let commands = app.send(.actionDone(ActionResult(kind: .authorised(requestID: "aa01", name: "laptop"), failure: reason)))
        #expect(app.screenText().contains(reason))
        #expect(commands.contains(.loadRequests))
    }

    @Test func decisionFailuresNameTheRequesterNotTheRequestID() {
        let id = String(repeating: "ab", count: 16)
        let denied = DecisionFailure.describe(EphemeralError.requestDeniedElsewhere(id: id, by: "desk\u{1B}[2Jtop"),
                                              name: "laptop", approving: true)
        #expect(denied.hasPrefix("laptop was denied by desk"))
        #expect(denied.hasSuffix("; a denied request can never be approved."))
        #expect(!denied.contains(id))
        #expect(!denied.unicodeScalars.contains { $0.value == 0x1B })
        #expect(DecisionFailure.describe(EphemeralError.deviceAlreadyAuthorised(id: id, by: "desktop"), name: "laptop", approving: false)
                == "laptop is already authorised (by desktop).")
        #expect(DecisionFailure.describe(NodeError.revoked(by: "desktop", on: "2026-12-01"), name: "laptop", approving: true)
                == "Could not authorise laptop: this device was revoked by desktop on 2026-12-01")
    }
}
