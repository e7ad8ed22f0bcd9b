import Widgets

/// One row (or wrapped paragraph) of a ``Form``.
enum FormItem {
    case blank
    /// Text wrapped to the form's width.
    case paragraph(String, Role)
    case line(Line)
    /// A labelled text field.
    case field(label: String, state: TextFieldState, focused: Bool, placeholder: String)
    /// A small menu.
    case list([Line], ListState)
    case progress(ProgressBar)
    case spinner(Spinner)
    /// A one-line note under the field above it, in the fields' column (cut with "…").
    case note(String, Role)
}

/// A centred pane of labelled rows: the welcome, unlock, new-database and join screens.
struct Form: Widget {
    var title: String
    var items: [FormItem]
    var width: Int
    var footer: String?

    func render(in area: Rect, buffer: inout Buffer, theme: Theme) {
        let boxWidth = min(width, area.width)
        let innerWidth = max(1, boxWidth - 4)
        let contentHeight = items.reduce(0) { $0 + height(of: $1, width: innerWidth) }
        let box = area.centred(width: boxWidth, height: contentHeight + 4)
        Pane(title: title, focused: true, footer: footer).render(in: box, buffer: &buffer, theme: theme)
        let inner = box.inset(top: 2, left: 2, bottom: 2, right: 2)
        let labelWidth = items.compactMap { item -> Int? in
            if case let .field(label, _, _, _) = item { return TextWidth.of(label) }
            return nil
        }.max().map { $0 + 2 } ?? 0
        var y = inner.y
        for item in items where y < inner.maxY {
            let rows = height(of: item, width: innerWidth)
            let rect = Rect(x: inner.x, y: y, width: inner.width, height: min(rows, inner.maxY - y))
            draw(item, in: rect, labelWidth: labelWidth, buffer: &buffer, theme: theme)
            y += rows
        }
    }

    private func height(of item: FormItem, width: Int) -> Int {
        switch item {
        case let .paragraph(text, _): return max(1, TextWidth.wrap(text, width: width).count)
        case let .list(lines, _): return lines.count
        default: return 1
        }
    }

    private func draw(_ item: FormItem, in rect: Rect, labelWidth: Int, buffer: inout Buffer, theme: Theme) {
        switch item {
        case .blank:
            break
        case let .paragraph(text, role):
            for (i, line) in TextWidth.wrap(text, width: rect.width).prefix(rect.height).enumerated() {
                buffer.put(line, x: rect.x, y: rect.y + i, maxWidth: rect.width, style: theme[role])
            }
        case let .line(line):
            buffer.put(line.truncated(to: rect.width), x: rect.x, y: rect.y, theme: theme)
        case let .field(label, state, focused, placeholder):
            buffer.put(label, x: rect.x, y: rect.y, maxWidth: labelWidth, style: theme[focused ? .titleFocused : .text])
            TextField(state: state, focused: focused, placeholder: placeholder)
                .render(in: rect.inset(left: labelWidth), buffer: &buffer, theme: theme)
        case let .list(lines, state):
            ListView(rowCount: lines.count, state: state, focused: true) { lines[$0] }
                .render(in: rect, buffer: &buffer, theme: theme)
        case let .progress(bar):
            bar.render(in: rect, buffer: &buffer, theme: theme)
        case let .spinner(spinner):
            spinner.render(in: rect, buffer: &buffer, theme: theme)
        case let .note(text, role):
            let area = rect.inset(left: labelWidth)
            buffer.put(TextWidth.truncate(text, to: area.width), x: area.x, y: area.y, maxWidth: area.width, style: theme[role])
        }
    }
}

extension Form {
    /// A whole form screen: the form centred above the hint bar on the last row.
    static func screen(title: String, items: [FormItem], width: Int = 72, hints: [KeyHint], into buffer: inout Buffer,
                       theme: Theme) {
        Form(title: title, items: items, width: width).render(in: buffer.area.inset(bottom: 1), buffer: &buffer, theme: theme)
        KeyHints(hints).render(in: buffer.area.bottom(1), buffer: &buffer, theme: theme)
    }
}

extension FormItem {
    /// A spinner with `label`, animated from the model's clock.
    static func spinner(_ label: String, now: Double) -> FormItem {
        .spinner(Spinner(frame: Int(now * 10), label: label, frames: Spinner.ascii))
    }

    /// The spinner and sliding bar shown while Argon2id derives the keys (~0.5 s).
    static func derivingKeys(now: Double) -> [FormItem] {
        [spinner("Deriving keys (Argon2id, 256 MiB)…", now: now), .progress(ProgressBar(.indeterminate(frame: Int(now * 20))))]
    }
}

/// Moving between the fields of a form: Tab/↓ forward, Shift-Tab/↑ back.
enum FieldFocus {
    static func move(_ key: Key, focus: inout Int, count: Int) -> Bool {
        switch key {
        case .tab, .down:
            focus = (focus + 1) % count
        case .backTab, .up:
            focus = (focus + count - 1) % count
        default:
            return false
        }
        return true
    }
}
