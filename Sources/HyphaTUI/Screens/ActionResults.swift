import HyphaEngine
import Widgets

/// What finished writes and backend actions do to the screen.
enum ActionResults {
    static func apply(_ result: ActionResult, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        if let failure = result.failure {
            if case .saved = result.kind { state.editor?.isSaving = false }
            if case let .authorised(id, _) = result.kind { state.answered.remove(id) }
            if case let .denied(id, _) = result.kind { state.answered.remove(id) }
            App.notify(&model, failure, role: .statusError)
            return [.loadRequests]
        }
        switch result.kind {
        case let .saved(key):
            if state.editor?.isSaving == true { MainScreen.closeEditor(&state, size: model.size) }
            App.notify(&model, "Saved '\(EntryText.key(key))'.", role: .status)
            return []
        case let .deleted(key):
            App.notify(&model, "Deleted '\(EntryText.key(key))'.")
            return []
        case let .resolved(key):
            App.notify(&model, "Resolved '\(EntryText.key(key))'.")
            return []
        case let .restored(key, version, deletion):
            App.notify(&model, deletion ? "Restored the deletion \(version): '\(EntryText.key(key))' is deleted."
                                        : "Restored version \(version) of '\(EntryText.key(key))'.")
            return []
        case let .authorised(id, name):
            AuthorisationQueue.finish(&state, requestID: id)
            App.notify(&model, "Authorised \(name).")
            return [.loadRequests, .loadNodes]
        case let .denied(id, name):
            AuthorisationQueue.finish(&state, requestID: id)
            App.notify(&model, "Denied \(name).")
            return [.loadRequests]
        case let .revoked(name):
            App.notify(&model, "Revoked \(name).")
            return [.loadNodes]
        }
    }
}
