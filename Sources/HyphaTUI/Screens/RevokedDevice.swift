import Widgets

/// A device that learned it was revoked: it says so in a banner, raises no more alerts, and
/// offers (key X) to delete this database's data from the device.
enum RevokedDevice {
    /// The banner never takes more rows than this.
    static let maxBannerRows = 2

    static func sentence(_ revocation: Revocation) -> String {
        "This device was revoked by \(revocation.by) on \(revocation.on). It can read what it holds but can no longer write or approve."
    }

    /// The banner's rows for a terminal width (none when not revoked), one column of margin.
    static func bannerLines(_ revocation: Revocation?, width: Int) -> [String] {
        guard let revocation, width > 2 else { return [] }
        var lines = TextWidth.wrap(sentence(revocation), width: width - 2)
        if lines.count > maxBannerRows {
            let rest = lines[(maxBannerRows - 1)...].joined(separator: " ")
            lines = Array(lines.prefix(maxBannerRows - 1)) + [TextWidth.truncate(rest, to: width - 2)]
        }
        return lines
    }

    /// Takes the news in: nothing writes or approves from now on, so an open authorise alert
    /// closes (the banner says why) and no other opens.
    static func learned(_ revocation: Revocation, _ state: inout MainState, size: Size) {
        state.revocation = revocation
        state.node.writable = false
        if case .authorise = state.modal?.purpose { state.modal = nil }
        state.relayout(size: size)
    }

    /// X: asks before deleting this database's data from the device; Keep is the default.
    static func askToRemoveData(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard state.revocation != nil else {
            App.notify(&model, "X removes this database's data only from a device that was revoked.", role: .statusWarning)
            return []
        }
        state.modal = .confirm(.removeLocalData, title: "Remove local data?",
            message: ["Remove this database's data from this device?",
                      "This deletes hypha.sqlite, hypha.log and config.json in its data directory. Your other devices keep their copies; this cannot be undone."],
            action: "Remove", safe: "Keep", now: model.now)
        return []
    }
}
