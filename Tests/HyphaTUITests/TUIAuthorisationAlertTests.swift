@testable import HyphaTUI
import Testing
import Widgets

/// The authorisation alert: one at a time, requests queue behind it, and nothing that
/// arrives later changes what the open alert approves.
@Suite struct TUIAuthorisationAlertTests {
    static let laptop = Fixtures.request("aa01", name: "laptop", code: "482-193")
    static let phone = Fixtures.request("bb02", name: "phone", code: "730-001")

    @Test func aSecondRequestQueuesBehindTheOpenAlert() throws {
        var app = AppDriver.main(rows: [Fixtures.entry("a", "1")])
        app.send(.tick(now: 10))
        app.send(.backend(.requestArrived(Self.laptop)))
        let first = try #require(app.main?.modal)
        #expect(first.purpose == .authorise(Self.laptop))
        #expect(first.dialog.focusedButton == first.dialog.safeButton)  // Deny is the default
        #expect(app.screenText().contains("Authorise node \"laptop\"? code 482-193"))

        app.send(.backend(.requestArrived(Self.phone)))
        app.send(.requestsLoaded([Self.phone, Self.laptop]))  // any order from the backend
        #expect(app.main?.modal == first)
        #expect(app.main?.requests.map(\.id) == ["aa01", "bb02"])

        // Letters do nothing for a moment after the alert opens, and the alert says so.
        #expect(app.screenText().contains("keys work in a moment"))
        #expect(app.press(.char("a")).isEmpty)
        #expect(app.main?.modal == first)

        app.send(.tick(now: 11))
        #expect(app.screenText().contains("1 more pending"))
        #expect(app.press(.char("a")) == [.authorise(requestID: "aa01", name: "laptop")])
        // The next request's alert opens; the answered one waits for the backend.
        let second = try #require(app.main?.modal)
        #expect(second.purpose == .authorise(Self.phone))
        #expect(app.main?.requests.count == 2)

        app.send(.actionDone(ActionResult(kind: .authorised(requestID: "aa01", name: "laptop"), failure: nil)))
        #expect(app.main?.requests.map(\.id) == ["bb02"])
        #expect(app.main?.modal?.purpose == .authorise(Self.phone))
    }

    @Test func enterDeniesEscPutsOffAndDDenies() throws {
        var app = AppDriver.main(rows: [])
        app.send(.backend(.requestArrived(Self.laptop)))
        #expect(app.press(.enter) == [.deny(requestID: "aa01", name: "laptop")])
        app.send(.actionDone(ActionResult(kind: .denied(requestID: "aa01", name: "laptop"), failure: nil)))

        // Esc answers nothing: the request stays pending, in the nodes pane, and its alert
        // does not open again by itself; Enter there opens it.
        app.send(.backend(.requestArrived(Self.phone)))
        #expect(app.press(.esc) == [])
        #expect(app.main?.modal == nil)
        #expect(app.main?.requests.map(\.id) == ["bb02"])
        #expect(app.screenText().contains("still pending"))
        app.press(.tab, .tab, .tab)
        #expect(app.main?.focus == .nodes)
        app.press(.down)
        app.press(.enter)
        #expect(app.main?.modal?.purpose == .authorise(Self.phone))
        app.send(.tick(now: 3))
        #expect(app.press(.char("d")) == [.deny(requestID: "bb02", name: "phone")])
        app.send(.actionDone(ActionResult(kind: .denied(requestID: "bb02", name: "phone"), failure: nil)))

        let third = Fixtures.request("cc03", name: "tablet", code: "111-222")
        app.send(.backend(.requestArrived(third)))
        app.send(.tick(now: 5))
        #expect(app.press(.char("d")) == [.deny(requestID: "cc03", name: "tablet")])
        #expect(app.main?.modal == nil)
    }

    @Test func alertsWaitWhileThePersonIsTyping() throws {
        var app = AppDriver.main(rows: [])
        app.press(.char("a"))  // the add form
        app.send(.backend(.requestArrived(Self.laptop)))
        #expect(app.main?.modal == nil)
        app.type("notes")  // typing goes to the key field, never to an alert
        #expect(app.main?.editor?.key.text == "notes")
        #expect(app.screenText().contains("1 pending request"))

        app.press(.ctrl("u"), .esc)  // empty again: Esc closes without asking
        #expect(app.main?.editor == nil)
        #expect(app.main?.modal?.purpose == .authorise(Self.laptop))
    }

    @Test func hostileNamesAreSanitisedBeforeDisplay() {
        let request = RequestRow(id: "dd04", nodeName: "evil\u{1B}[2J\u{202E}name", code: "000-000", deviceKey: "ab")
        #expect(!request.nodeName.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        var app = AppDriver.main(rows: [])
        app.send(.backend(.requestArrived(request)))
        #expect(!app.screenText().contains("\u{1B}"))
    }
}
