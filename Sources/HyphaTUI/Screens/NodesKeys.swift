import HyphaEngine
import Widgets

/// Keys of the nodes pane: revoke an authorised node, answer a pending request.
enum NodesKeys {
    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        let nodes = state.nodes
        if state.nodeList.handle(key, rowCount: nodes.count) { return [] }
        guard let index = state.nodeList.selected, index < nodes.count else { return [] }
        let node = nodes[index]
        switch key {
        case .char("r"):
            guard node.status == .authorised else {
                App.notify(&model, "Only an authorised node can be revoked.", role: .statusWarning)
                return []
            }
            guard !node.isThisNode else {
                App.notify(&model, "This node cannot revoke itself here; revoke it from another of your nodes.", role: .statusWarning)
                return []
            }
            state.modal = .confirm(.revoke(writer: node.key, name: node.name), title: "Revoke node?",
                message: ["Revoke node \"\(node.name)\" (key \(node.key.prefix(8)))?",
                          "Its entries up to now stay; anything it writes later is ignored by every node. This cannot be undone."],
                action: "Revoke", now: model.now)
            return []
        case .enter:
            guard node.status == .pending, let id = node.requestID,
                  let request = state.requests.first(where: { $0.id == id }) else { return [] }
            state.answered.remove(id)
            state.postponed.remove(id)
            AuthorisationQueue.open(request, &state, now: model.now)
            return []
        default:
            return []
        }
    }
}
