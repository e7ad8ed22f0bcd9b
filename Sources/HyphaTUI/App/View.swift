import Widgets

extension App {
    /// The whole screen for `model`: a pure function to a cell buffer (widgets only).
    static func view(_ model: AppModel, size: Size, theme: Theme) -> Buffer {
        var buffer = Buffer(size: size)
        guard size.width >= 20, size.height >= 5 else {
            buffer.put("Hypha: terminal too small", x: 0, y: 0, style: theme[.warning])
            return buffer
        }
        switch model.screen {
        case .starting:
            Spinner(frame: Int(model.now * 10), label: "Opening the database…", frames: Spinner.ascii)
                .render(in: buffer.area.centred(width: 20, height: 1), buffer: &buffer, theme: theme)
        case let .failed(reason):
            Form.screen(title: "Hypha", items: [.paragraph(reason, .danger)], hints: [KeyHint("q", "quit")],
                        into: &buffer, theme: theme)
        case let .welcome(state):
            WelcomeScreen.render(state, into: &buffer, theme: theme)
        case let .create(state):
            CreateScreen.render(state, model: model, into: &buffer, theme: theme)
        case let .join(state):
            JoinScreen.render(state, model: model, into: &buffer, theme: theme)
        case let .joinWaiting(state):
            JoinScreen.render(state, model: model, into: &buffer, theme: theme)
        case let .unlock(state):
            UnlockScreen.render(state, model: model, into: &buffer, theme: theme)
        case let .main(state):
            MainView.render(state, model: model, into: &buffer, theme: theme)
        }
        if let notice = model.notice, !model.screen.isMain {
            StatusBar(left: Line(notice.text), role: notice.role).render(in: buffer.area.bottom(1), buffer: &buffer, theme: theme)
        }
        return buffer
    }
}

extension Screen {
    var isMain: Bool {
        if case .main = self { return true }
        return false
    }
}
