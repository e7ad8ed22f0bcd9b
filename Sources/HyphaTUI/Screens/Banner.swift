import Widgets

/// The rows under the status bar that say what changed for this device: it was revoked, or
/// its database moved to a new passphrase (or two successions conflict).
enum Banner {
    struct Row: Equatable {
        var text: String
        var role: Role
    }

    /// The rows for a terminal width, one column of margin each side (none when nothing to say).
    static func lines(_ state: MainState, width: Int) -> [Row] {
        guard width > 2 else { return [] }
        var rows = RevokedDevice.bannerLines(state.revocation, width: width).map { Row(text: $0, role: .statusError) }
        if let news = state.succession {
            rows.append(Row(text: TextWidth.truncate(FollowPrompt.bannerText(news), to: width - 2),
                            role: news.isConflicting ? .statusError : .statusWarning))
        }
        return rows
    }
}
