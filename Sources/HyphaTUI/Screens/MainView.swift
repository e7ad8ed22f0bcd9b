import HyphaEngine
import Widgets

/// Drawing the main screen: status bar, panes, editor, alerts, help and the hint row.
enum MainView {
    static func render(_ state: MainState, model: AppModel, into buffer: inout Buffer, theme: Theme) {
        let layout = state.makeLayout(size: buffer.size)
        if layout.isTooSmall {
            let text = "Make the terminal at least \(MainLayout.minimum.width)×\(MainLayout.minimum.height)."
            buffer.put(TextWidth.truncate(text, to: buffer.width), x: 0, y: buffer.height / 2, style: theme[.warning])
            return
        }
        statusBar(state, model: model).render(in: layout.status, buffer: &buffer, theme: theme)
        if let area = layout.banner {
            for (i, row) in Banner.lines(state, width: area.width).enumerated() where i < area.height {
                buffer.fill(area.row(i), style: theme[row.role])
                buffer.put(row.text, x: area.x + 1, y: area.y + i, maxWidth: area.width - 2, style: theme[row.role])
            }
        }
        if let editor = state.editor {
            EditorView.render(editor, changed: editor.changedSinceOpened(current: state.detail.entry),
                              layout: layout, into: &buffer, theme: theme)
        } else {
            EntriesView.render(state, layout: layout, into: &buffer, theme: theme)
            if let area = layout.detail { DetailView.render(state, in: area, into: &buffer, theme: theme) }
            if let area = layout.peers { peersPane(state, model: model, in: area, into: &buffer, theme: theme) }
            if let area = layout.nodes { nodesPane(state, in: area, into: &buffer, theme: theme) }
            if let history = state.history {
                HistoryView.render(history, focused: state.modal == nil && state.help == nil, in: layout.body,
                                   into: &buffer, theme: theme)
            }
        }
        if let flow = state.changePassphrase {
            ChangePassphrase.render(flow, state: state, model: model, in: layout.body, into: &buffer, theme: theme)
        } else if let prompt = state.followPrompt {
            FollowPrompt.render(prompt, model: model, in: layout.body, into: &buffer, theme: theme)
        }
        if let modal = state.modal {
            var dialog = modal.dialog
            if case .authorise = modal.purpose {
                let waiting = AuthorisationQueue.waiting(state)
                dialog.footer = waiting > 0 ? "\(waiting) more pending" : nil
                // Letter keys are held back for a moment so a person typing cannot approve by accident.
                if model.now - modal.openedAt < MainScreen.alertGrace { dialog.footer = "read it first: keys work in a moment" }
            }
            dialog.render(in: layout.body, buffer: &buffer, theme: theme)
        }
        if let help = state.help {
            KeyBindings.helpOverlay(state: help).render(in: layout.body, buffer: &buffer, theme: theme)
        }
        if let notice = model.notice {
            StatusBar(left: Line(notice.text), role: notice.role).render(in: layout.hints, buffer: &buffer, theme: theme)
        } else {
            KeyHints(KeyBindings.hints(for: state)).render(in: layout.hints, buffer: &buffer, theme: theme)
        }
    }

    private static func statusBar(_ state: MainState, model: AppModel) -> StatusBar {
        let summary = state.node.summary
        var left: [Span] = [Span("hypha "), Span("\(summary.shortID)…")]
        if let domain = summary.domain { left += [Span(" · "), Span(domain)] }
        left += [Span(" · "), Span(Sanitise.forTerminal(summary.nodeName, limit: 24)), Span(" · ")]
        if state.revocation != nil {
            left.append(Span("revoked", role: .danger))
        } else if state.succession != nil {
            left.append(Span("moved", role: .danger))
        } else {
            left.append(state.node.writable ? Span("writable") : Span("read-only", role: .danger))
        }
        // Until the backend first answers (a large database may still be opening) nothing is
        // claimed about the network.
        let network = state.listenAddress.map { "listening \($0)" } ?? (state.peersKnown ? "local only" : "starting…")
        var right: [Span] = [Span(network, role: state.peersKnown ? .text : .dim)]
        let pending = state.answerableRequests.count
        if pending > 0 {
            right += [Span(" · "), Span("\(pending) pending request\(pending == 1 ? "" : "s")", role: .warning)]
        }
        return StatusBar(left: Line(left), right: Line(right))
    }

    private static func peersPane(_ state: MainState, model: AppModel, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        Pane(title: "Peers", focused: state.focus == .peers, footer: state.peers.isEmpty ? nil : "\(state.peers.count)")
            .render(in: area, buffer: &buffer, theme: theme)
        let peers = state.peers
        let revoked = Set(state.writers.filter { $0.status == .revoked }.map(\.name))
        let elapsed = model.now - state.peersLoadedAt
        let empty = state.listenAddress.map { "No peers yet: they connect to \($0), or start with --peer host:port." }
            ?? "No peers: this node runs locally."
        ListView(rowCount: peers.count, state: state.peerList, focused: state.focus == .peers, emptyText: empty) { i in
            // Most telling first, so a narrow pane cuts only the address and the error.
            peerLine(peers[i], revoked: revoked, elapsed: elapsed)
        }
        .render(in: Pane.inner(area), buffer: &buffer, theme: theme)
    }

    /// One peer: who, its state (synced, syncing and how far behind, retrying in N s with the
    /// last error, connecting), direction and transport, then the address.
    static func peerLine(_ peer: PeerRow, revoked: Set<String>, elapsed: Double) -> Line {
        var spans: [Span] = [Span(Sanitise.forTerminal(peer.nodeName ?? peer.address, limit: 40))]
        if let name = peer.nodeName, revoked.contains(name) { spans.append(Span(" revoked", role: .danger)) }
        switch peer.state {
        case .synced:
            spans.append(Span(" synced", role: .success))
        case let .syncing(behind):
            spans.append(Span(behind.map { $0 > 0 ? " syncing, behind by \(EntryText.count(Int($0)))" : " syncing" } ?? " syncing",
                              role: .warning))
        case .connecting:
            spans.append(Span(" connecting…", role: .dim))
        case let .retrying(seconds):
            let left = max(0, Int((seconds - elapsed).rounded(.up)))
            spans.append(Span(left > 0 ? " retrying in \(left) s" : " retrying now", role: .warning))
        }
        if let error = peer.lastError, peer.state != .synced {
            spans.append(Span(": \(error == "connection refused" ? "refused" : error)", role: .danger))
        }
        spans.append(Span(" \(peer.direction) \(peer.transport)", role: .dim))
        if peer.nodeName != nil { spans.append(Span(" \(Sanitise.forTerminal(peer.address, limit: 60))", role: .dim)) }
        return Line(spans)
    }

    private static func nodesPane(_ state: MainState, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let nodes = state.nodes
        Pane(title: "Nodes", focused: state.focus == .nodes, footer: "\(nodes.count)")
            .render(in: area, buffer: &buffer, theme: theme)
        ListView(rowCount: nodes.count, state: state.nodeList, focused: state.focus == .nodes,
                 emptyText: "Loading…") { i in
            let node = nodes[i]
            let role: Role
            switch node.status {
            case .authorised: role = .success
            case .pending: role = .warning
            case .revoked: role = .danger
            case .unknown: role = .dim
            }
            var spans = [Span(node.name), Span("  \(node.status.rawValue)", role: role)]
            if let at = node.forkedAt { spans.append(Span("  forked at \(at)", role: .danger)) }
            if let by = node.addedBy, node.status != .pending { spans.append(Span("  added by \(by)", role: .dim)) }
            spans.append(Span(node.isThisNode ? "  this node" : "  \(node.key.prefix(8))", role: .dim))
            return Line(spans)
        }
        .render(in: Pane.inner(area), buffer: &buffer, theme: theme)
    }
}

/// The entries pane: a virtualised table over the index (or the search's matches), with the
/// search row.
enum EntriesView {
    static func render(_ state: MainState, layout: MainLayout, into buffer: inout Buffer, theme: Theme) {
        let index = state.entries
        let count = state.rowCount
        var footer: String
        if let selected = state.list.selected, count > 0 {
            footer = "\(EntryText.count(selected + 1)) of \(EntryText.count(count))"
        } else {
            footer = count == 0 && (state.search?.done ?? index.isScanComplete) ? "empty" : "\(EntryText.count(count))"
        }
        if let deleted = state.deleted {
            if !deleted.done {
                footer += " · reading"
            } else if deleted.truncated {
                footer += " · first \(EntryText.count(DeletedList.maxKeys))"
            }
        } else if let search = state.search {
            if !search.done {
                let total = search.total.map { "/\(EntryText.count($0))" } ?? ""
                footer += " · searching \(EntryText.count(search.scanned))\(total)"
            } else if search.truncated {
                footer += " · first \(EntryText.count(SearchState.maxMatches)) matches"
            }
        } else if !index.isScanComplete && count > EntriesIndex.pageSize {
            footer += " · indexing"
        }
        let title = state.deleted == nil ? "Entries" : "Deleted entries"
        Pane(title: state.appliedQuery == nil ? title : title + " matching", focused: state.focus == .entries, footer: footer)
            .render(in: layout.entries, buffer: &buffer, theme: theme)
        let inner = Pane.inner(layout.entries)
        let empty: String
        if let deleted = state.deleted {
            empty = !deleted.done ? "" : deleted.query.isEmpty ? "No deleted entries: D shows the live ones." : "No deleted key contains this."
        } else if let search = state.search {
            empty = search.done ? "No key or value contains this." : ""
        } else {
            empty = index.isScanComplete || index.row(0) == nil && count == 0 ? "No entries yet: press a to add one." : ""
        }
        Table(columns: [TableColumn("Key", width: .percent(40)), TableColumn("Value")],
              rowCount: count, state: state.list, focused: state.focus == .entries, emptyText: empty) { i in
            guard let row = state.row(i) else { return TableRow(["…", ""], role: .dim) }
            if row.isConflict { return TableRow([EntryText.key(row.key, limit: 200), "⚠ \(row.versionCount) values"], role: .conflict) }
            if row.value == nil { return TableRow([EntryText.key(row.key, limit: 200), EntryText.preview(nil)], role: .dim) }
            return TableRow([EntryText.key(row.key, limit: 200), EntryText.preview(row.value)])
        }
        .render(in: inner.inset(bottom: layout.filter == nil ? 0 : 1), buffer: &buffer, theme: theme)
        if let row = layout.filter {
            buffer.put("/ ", x: row.x, y: row.y, style: theme[.keyHintKey])
            let field = state.filter ?? TextFieldState(text: state.appliedQuery ?? "")
            TextField(state: field, focused: state.filter != nil,
                      placeholder: state.deleted == nil ? "search keys and values" : "filter deleted keys")
                .render(in: row.inset(left: 2), buffer: &buffer, theme: theme)
        }
    }
}

/// The detail pane: the selected entry with every version, its writer and time.
enum DetailView {
    static func render(_ state: MainState, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let focused = state.focus == .detail
        Pane(title: "Detail", focused: focused).render(in: area, buffer: &buffer, theme: theme)
        let inner = Pane.inner(area)
        guard !inner.isEmpty else { return }
        guard let entry = state.detail.entry else {
            let text = state.detail.key == nil ? "Nothing selected." : "Loading…"
            buffer.put(text, x: inner.x, y: inner.y, maxWidth: inner.width, style: theme[.dim])
            return
        }
        var y = inner.y
        buffer.put(EntryText.key(entry.key, limit: 300), x: inner.x, y: y, maxWidth: inner.width, style: theme[.header])
        y += 1
        if entry.isConflict {
            buffer.put("⚠ \(entry.versions.count) values in conflict", x: inner.x, y: y, maxWidth: inner.width, style: theme[.conflict])
            y += 1
        }
        let remaining = inner.maxY - y
        guard remaining > 0 else { return }
        let linesPerVersion = max(1, remaining / entry.versions.count - 1)
        let selected = state.detail.versions.selected ?? 0
        for (i, version) in entry.versions.enumerated() where y < inner.maxY {
            let isSelected = entry.isConflict && i == selected
            let header = EntryText.versionHeader(version, marker: "\(isSelected ? "▶" : " ") \(entry.isConflict ? "[\(i + 1)] " : "")",
                                                 width: inner.width)
            let style = isSelected ? theme[focused ? .selection : .selectionUnfocused] : theme[.dim]
            if isSelected { buffer.fill(inner.row(y - inner.y), style: style) }
            buffer.put(header, x: inner.x, y: y, maxWidth: inner.width, style: style)
            y += 1
            for line in EntryText.rows(version.value, width: inner.width - 2, maxRows: linesPerVersion) where y < inner.maxY {
                buffer.put(line, x: inner.x + 2, y: y, maxWidth: inner.width - 2, style: theme[version.isDeletion ? .dim : .text])
                y += 1
            }
        }
    }
}

/// The add/edit form over the panes.
enum EditorView {
    /// `changed`: another node wrote the entry since the editor opened (saving keeps both).
    static func render(_ editor: EditorState, changed: Bool, layout: MainLayout, into buffer: inout Buffer, theme: Theme) {
        let title: String
        switch editor.mode {
        case .add: title = "Add entry"
        case let .edit(key): title = "Edit '\(EntryText.key(key))'"
        }
        let position = "Ln \(editor.value.cursorRow + 1)/\(editor.value.lineCount), Col \(editor.value.cursorIndex + 1)"
        let state = editor.isSaving ? "saving…"
            : changed ? "changed on another node: saving keeps both"
            : editor.isTouched ? "modified" : nil
        let footer = state.map { "\($0) · \(position)" } ?? position
        Pane(title: title, focused: true, footer: footer).render(in: layout.body, buffer: &buffer, theme: theme)
        let inner = Pane.inner(layout.body)
        buffer.put("Key", x: inner.x, y: inner.y, style: theme[editor.keyFocused ? .titleFocused : .text])
        if case .add = editor.mode {
            TextField(state: editor.key, focused: editor.keyFocused, placeholder: "notes/tips")
                .render(in: layout.editorKey, buffer: &buffer, theme: theme)
        } else {
            buffer.put(EntryText.key(editor.targetKey, limit: 300), x: layout.editorKey.x, y: layout.editorKey.y,
                       maxWidth: layout.editorKey.width, style: theme[.header])
        }
        buffer.put("Value", x: inner.x, y: inner.y + 1, style: theme[editor.keyFocused ? .text : .titleFocused])
        if let area = layout.editorValue {
            TextEditor(state: editor.value, focused: !editor.keyFocused).render(in: area, buffer: &buffer, theme: theme)
        }
    }
}
