/// What a piece of the screen means. Widgets draw with roles; a ``Theme`` decides the looks.
public enum Role: String, Sendable, Hashable, CaseIterable {
    /// Ordinary text.
    case text
    /// Secondary text: hints, empty-list messages, details.
    case dim
    /// A pane title when the pane is not focused.
    case title
    /// A pane title when the pane has focus.
    case titleFocused
    /// A pane border when the pane is not focused.
    case border
    /// A pane border when the pane has focus.
    case borderFocused
    /// The selected row of the focused list or table.
    case selection
    /// The selected row of a list or table that does not have focus.
    case selectionUnfocused
    /// Table column headings.
    case header
    /// The description half of a key hint ("quit").
    case keyHint
    /// The key half of a key hint ("q").
    case keyHintKey
    /// The status bar.
    case status
    /// A status bar carrying a warning.
    case statusWarning
    /// A status bar carrying an error.
    case statusError
    /// Destructive or dangerous things (revoke, delete).
    case danger
    /// Cautionary text.
    case warning
    /// Things that went well (synced, authorised).
    case success
    /// Conflicting values of one key.
    case conflict
    /// The inside of a modal dialog or overlay.
    case modal
    /// The border of a modal dialog or overlay.
    case modalBorder
    /// The title of a modal dialog or overlay.
    case modalTitle
    /// A note in the bottom border of a modal ("1 more pending").
    case modalFooter
    /// A dialog button without focus.
    case button
    /// The dialog button that Enter activates.
    case buttonFocused
    /// A text input without focus.
    case input
    /// A text input with focus.
    case inputFocused
    /// The placeholder text of an empty input, and the indicator of a secret one.
    case placeholder
    /// The cell under the text cursor.
    case cursor
    /// The filled part of a progress bar.
    case progress
    /// The unfilled part of a progress bar.
    case progressTrack
    /// A spinner glyph.
    case spinner
    /// A section heading in the help overlay.
    case helpSection
    /// A key in the help overlay.
    case helpKey
}
