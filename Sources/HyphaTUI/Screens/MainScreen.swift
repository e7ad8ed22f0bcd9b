import HyphaEngine
import Widgets

/// Update for the main screen: keys, data arriving, engine and backend events.
enum MainScreen {
    /// Letter keys do nothing this long after an alert opens, so a person typing cannot
    /// answer an alert they have not read.
    static let alertGrace = 0.5

    static func start(_ state: inout MainState) -> [Command] {
        state.entries.startCommands() + [.loadNodes, .loadPeers, .loadRequests, .loadSuccession]
    }

    // MARK: Keys

    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        var key = key
        // Ctrl-C never loses work: in a dialog, the help, the editor or the filter it is Esc
        // (the editor asks before unsaved text goes); only when browsing does it quit.
        if key == .ctrl("c"), state.modal != nil || state.help != nil || state.history != nil || state.isTyping { key = .esc }
        var commands: [Command]
        if state.modal != nil {
            commands = handleModal(key, &state, &model)
        } else if state.help != nil {
            handleHelp(key, &state)
            commands = []
        } else if state.changePassphrase != nil {
            commands = ChangePassphrase.handle(key, &state, &model)
        } else if state.followPrompt != nil {
            commands = FollowPrompt.handle(key, &state, &model)
        } else if state.editor != nil {
            commands = EditorKeys.handle(key, &state, &model)
        } else if state.filter != nil {
            commands = FilterKeys.handle(key, &state)
        } else if state.history != nil {
            commands = HistoryKeys.handle(key, &state, &model)
        } else {
            commands = handleBrowsing(key, &state, &model)
        }
        if model.isQuitting { return commands }
        return commands + refresh(&state, now: model.now)
    }

    private static func handleBrowsing(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        switch key {
        case .char("q"), .ctrl("c"):
            return App.quit(&model)
        case .char("?"), .f(1):
            openHelp(&state, size: model.size)
            return []
        case .tab, .backTab:
            let panes = PaneID.allCases
            let step = key == .tab ? 1 : panes.count - 1
            state.focus = panes[(state.focus.rawValue + step) % panes.count]
            state.relayout(size: model.size)
            return []
        case .char("/"):
            state.focus = .entries
            state.filter = TextFieldState(text: state.appliedQuery ?? "", maxLength: 256)
            state.relayout(size: model.size)
            return []
        case .char("D"):
            return DeletedKeys.toggle(&state, &model)
        case .char("h") where state.focus == .entries || state.focus == .detail:
            return HistoryKeys.open(&state, &model)
        case .char("a"):
            guard requireWritable(state, &model) else { return [] }
            state.editor = .add()
            state.relayout(size: model.size)
            return []
        case .char("X"):
            return RevokedDevice.askToRemoveData(&state, &model)
        case .char("P"):
            return ChangePassphrase.open(&state, &model)
        case .char("F"):
            return FollowPrompt.open(&state, &model)
        case let .mouse(event):
            return MouseKeys.handle(event, &state, &model)
        default:
            break
        }
        switch state.focus {
        case .entries: return EntriesKeys.handle(key, &state, &model)
        case .detail: return DetailKeys.handle(key, &state, &model)
        case .peers:
            _ = state.peerList.handle(key, rowCount: state.peers.count)
            return []
        case .nodes: return NodesKeys.handle(key, &state, &model)
        }
    }

    static func openHelp(_ state: inout MainState, size: Size) {
        state.help = ScrollState(viewportHeight: max(1, size.height - 4))
    }

    private static func handleHelp(_ key: Key, _ state: inout MainState) {
        switch key {
        case .esc, .char("?"), .char("q"), .enter, .f(1):
            state.help = nil
        case let .mouse(event) where event.kind != .press:
            let lines = KeyBindings.helpOverlay().lineCount
            for _ in 0..<3 { _ = state.help?.handle(event.kind == .wheelUp ? .up : .down, contentHeight: lines) }
        default:
            _ = state.help?.handle(key, contentHeight: KeyBindings.helpOverlay().lineCount)
        }
    }

    private static func handleModal(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard var modal = state.modal else { return [] }
        if case .authorise = modal.purpose, case .char = key, model.now - modal.openedAt < alertGrace {
            return []
        }
        // Esc (or q) on an authorise alert answers nothing: the request stays pending, waits in
        // the nodes pane (Enter answers it there) and does not pop up again by itself.
        if case let .authorise(request) = modal.purpose, key == .esc || key == .char("q") {
            state.modal = nil
            state.postponed.insert(request.id)
            App.notify(&model, "Request from \(request.nodeName) is still pending: answer it in the Nodes pane (Enter).")
            return []
        }
        // q closes every other dialog like Esc: with its safe answer.
        let key = key == .char("q") ? Key.esc : key
        guard let choice = modal.dialog.handle(key) else {
            state.modal = modal
            return []
        }
        state.modal = nil
        let confirmed = choice == 1
        switch modal.purpose {
        case let .authorise(request):
            state.answered.insert(request.id)
            return [confirmed ? .authorise(requestID: request.id, name: request.nodeName)
                              : .deny(requestID: request.id, name: request.nodeName)]
        case let .delete(key, replaces):
            return confirmed ? [.write([.delete(key: key, replaces: replaces)], .deleted(key: key))] : []
        case let .keepVersion(key, change):
            return confirmed ? [.write([change], .resolved(key: key))] : []
        case let .restore(key, change, version):
            return confirmed ? [.write([change], .restored(key: key, version: version, deletion: change.value == nil))] : []
        case let .revoke(writer, name):
            return confirmed ? [.revoke(writer: writer, name: name)] : []
        case .discardEdit:
            if confirmed { closeEditor(&state, size: model.size) }
            return []
        case .removeLocalData:
            guard confirmed else { return [] }
            App.notify(&model, "Removing this database's data from this device…")
            return [.removeLocalData]
        }
    }

    static func closeEditor(_ state: inout MainState, size: Size) {
        state.editor = nil
        state.relayout(size: size)
    }

    static func requireWritable(_ state: MainState, _ model: inout AppModel) -> Bool {
        guard state.node.writable else {
            let why: String
            if state.revocation != nil {
                why = "This device was revoked: it can read what it holds but no longer write."
            } else if let own = state.writers.first(where: \.isThisNode), let at = own.forkedAt {
                why = "This device's log forked at \(at): its writes count nowhere; join again as a new device."
            } else {
                why = "This node is read-only until one of your other nodes authorises it."
            }
            App.notify(&model, why, role: .statusWarning)
            return false
        }
        return true
    }

    // MARK: Data and events

    static func receive(_ message: Message, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        var commands: [Command] = []
        switch message {
        case let .pageLoaded(result):
            state.entries.receive(result, keepingNear: state.list.selected)
        case let .counted(generation, prefix, count):
            guard prefix == state.entries.prefix else { break }
            if state.search != nil {
                if generation == state.entries.generation { state.search?.total = count }
                break
            }
            commands = state.entries.receive(count: count, generation: generation)
        case let .searched(step):
            commands = state.search?.receive(step) ?? []
        case let .deletedLoaded(step):
            commands = state.deleted?.receive(step) ?? []
        case let .historyLoaded(key, versions, failure):
            guard key == state.history?.key else { break }
            state.history?.receive(versions, failure: failure)
        case let .keysScanned(step):
            commands = state.entries.receive(step)
        case let .entryLoaded(key, detail):
            guard key == state.detail.key else { break }
            state.detail.entry = detail
            state.detail.versions.clamp(rowCount: detail?.versions.count ?? 0)
            commands = EntriesKeys.openPending(&state, &model)
        case let .nodesLoaded(rows, writable, revocation):
            state.writers = rows
            state.node.writable = writable
            // Revoked is for good: a failed reload (no revocation) does not undo it.
            if let revocation, state.revocation == nil { RevokedDevice.learned(revocation, &state, size: model.size) }
            AuthorisationQueue.closeIfDeviceKnown(&state, &model)
            state.nodeList.clamp(rowCount: state.nodes.count)
        case let .peersLoaded(rows, listen):
            state.peers = rows
            state.peersLoadedAt = model.now
            state.peersKnown = true
            state.listenAddress = listen
            state.peerList.clamp(rowCount: rows.count)
        case let .requestsLoaded(rows):
            commands = AuthorisationQueue.replace(&state, with: rows)
        case let .requestClosed(id, outcome):
            AuthorisationQueue.closed(&state, requestID: id, outcome, &model)
        case let .databaseChanged(membership):
            if state.deleted != nil {
                commands = DeletedKeys.reload(&state)
            } else if let search = state.search, search.done {
                // Search again for what changed; the matches on screen stay until it reports.
                commands = FilterKeys.research(&state)
            } else if state.search == nil {
                commands = state.entries.invalidate()
            }
            if let key = state.detail.key { commands.append(.loadEntry(key)) }
            if let key = state.history?.key { commands.append(.loadHistory(key)) }
            if membership { commands += [.loadNodes, .loadSuccession] }
        case let .successionLoaded(news):
            FollowPrompt.learned(news, &state, size: model.size)
        case .passphraseGenerated, .passphraseGenerationFailed:
            _ = ChangePassphrase.receive(message, &state)
        case let .successionProgress(step):
            if !ChangePassphrase.receive(message, &state) { FollowPrompt.progress(step, &state) }
        case let .successionFailed(reason):
            if !ChangePassphrase.receive(message, &state) && !FollowPrompt.failed(reason, &state) {
                App.notify(&model, reason, role: .statusError)
            }
        case let .backend(.succession(news)):
            FollowPrompt.learned(news, &state, size: model.size)
        case let .backend(.predecessorConflict(news)):
            let others = news.candidates.filter { $0.databaseID != state.node.summary.databaseID }
                .map { "\($0.shortID)… (\($0.day), from \($0.by))" }.joined(separator: ", ")
            App.notify(&model, "The old database has another succession, \(others): someone else may hold the old passphrase.",
                       role: .statusError)
        case let .backend(event):
            commands = receive(event, &state)
        case let .actionDone(result):
            commands = ActionResults.apply(result, &state, &model)
        default:
            break
        }
        return commands + refresh(&state, now: model.now)
    }

    private static func receive(_ event: BackendEvent, _ state: inout MainState) -> [Command] {
        switch event {
        case .peersChanged: return [.loadPeers]
        case let .requestArrived(request):
            AuthorisationQueue.enqueue(&state, request)
            return []
        case .requestsChanged: return [.loadRequests, .loadNodes]
        case .joinStatus, .databaseChanged, .connection, .succession, .predecessorConflict: return []
        }
    }

    // MARK: After every change

    /// Loads the pages on screen, makes the detail pane follow the selection and opens the
    /// next authorisation alert when nothing else needs the keyboard.
    static func refresh(_ state: inout MainState, now: Double) -> [Command] {
        let count = state.rowCount
        state.list.clamp(rowCount: count)
        var commands = followSelectedKey(&state, rowCount: count)
        if state.search == nil && state.deleted == nil {
            let visible = state.list.visibleRows(rowCount: count, height: state.list.viewportHeight)
            commands += state.entries.requestPages(covering: visible)
        }
        let key = state.selectedEntry?.key
        if key != state.detail.key {
            state.detail = DetailState(key: key)
            if let key { commands.append(.loadEntry(key)) }
        }
        FollowPrompt.presentIfNeeded(&state)
        AuthorisationQueue.presentNext(&state, now: now)
        return commands
    }
}

extension MainScreen {
    /// Keeps the selection on the selected key: when fresh rows put another key at the
    /// selected row, the selection moves to where that key is now (or, when it was deleted, to
    /// the key after it). Until fresh rows arrive nothing moves.
    static func followSelectedKey(_ state: inout MainState, rowCount: Int) -> [Command] {
        // An empty or loading list (a new filter) keeps the wish for when rows arrive.
        guard let selected = state.list.selected else { return [] }
        let here = state.row(selected)?.key
        guard let wanted = state.selectedKey else {
            state.selectedKey = here
            return []
        }
        guard here != wanted else { return [] }
        if let deleted = state.deleted {
            // Among the deleted keys: the wanted key if it is one, else nothing moves.
            guard let index = deleted.shown.firstIndex(of: wanted) else {
                if deleted.done { state.selectedKey = here }
                return []
            }
            state.list.select(index, rowCount: rowCount)
            return []
        }
        if let search = state.search {
            // Among the matches: the wanted key if it matches, else nothing moves.
            guard let index = search.matches.firstIndex(where: { $0.key == wanted }) else {
                if search.done { state.selectedKey = here }
                return []
            }
            state.list.select(index, rowCount: rowCount)
            return []
        }
        guard let found = state.entries.position(of: wanted) else {
            return state.entries.requestPage(holding: wanted).map { [$0] } ?? []
        }
        state.list.select(found.index, rowCount: rowCount)
        if !found.exact { state.selectedKey = state.entries.row(found.index)?.key }
        return []
    }

    /// The person moved the selection: it now follows the key on the new row.
    static func selectionMoved(_ state: inout MainState) {
        state.selectedKey = state.selectedEntry?.key
    }
}

extension MainState {
    /// Every node: the writers the membership knows, then requests waiting for approval (never
    /// a device that is already a writer, so no node shows as both).
    var nodes: [NodeRow] {
        writers + answerableRequests.map {
            NodeRow(name: $0.nodeName, key: $0.deviceKey, status: .pending, isThisNode: false, requestID: $0.id)
        }
    }
}

/// The mouse on the main screen: a click focuses the pane under it and selects the row it hit;
/// the wheel moves the selection of the pane under the pointer.
enum MouseKeys {
    static func handle(_ event: MouseEvent, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if state.history != nil { return HistoryKeys.handle(.mouse(event), &state, &model) }
        let layout = state.layout
        let at = Position(x: event.x, y: event.y)
        let panes: [(PaneID, Rect?)] = [(.entries, layout.entries), (.detail, layout.detail), (.peers, layout.peers),
                                         (.nodes, layout.nodes)]
        guard let (pane, area) = panes.first(where: { $0.1?.contains(at) == true }), let area else { return [] }
        if event.kind == .press, state.focus != pane {
            state.focus = pane
            state.relayout(size: model.size)
        }
        switch pane {
        case .entries:
            let body = state.layout.entriesBody
            if state.list.handle(event, line: event.y - body.y, rowCount: state.rowCount, height: body.height) {
                MainScreen.selectionMoved(&state)
            }
        case .detail:
            guard let entry = state.detail.entry, entry.isConflict else { return [] }
            switch event.kind {
            case .wheelUp: _ = state.detail.versions.handle(.up, rowCount: entry.versions.count)
            case .wheelDown: _ = state.detail.versions.handle(.down, rowCount: entry.versions.count)
            case .press: break
            }
        case .peers:
            let inner = Pane.inner(area)
            _ = state.peerList.handle(event, line: event.y - inner.y, rowCount: state.peers.count, height: inner.height)
        case .nodes:
            let inner = Pane.inner(area)
            _ = state.nodeList.handle(event, line: event.y - inner.y, rowCount: state.nodes.count, height: inner.height)
        }
        return []
    }
}
