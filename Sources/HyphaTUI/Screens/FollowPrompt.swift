import HyphaEngine
import Widgets

/// The follow prompt: this database moved to a new passphrase (made on another device), and
/// the new passphrase follows it here. Over the main screen; Esc puts it off (the banner and
/// `F` keep it reachable).
struct FollowPromptState: Equatable {
    var news: SuccessionNews
    var field = TextFieldState(secret: true, maxLength: Passphrase.maximumInputBytes, viewportWidth: 40)
    /// Where the follow stands once the passphrase was given (nil: waiting for it).
    var step: SuccessionStep?
    /// Esc was pressed while following: the fetch is being stopped.
    var isStopping = false
    var error: String?

    init(news: SuccessionNews) {
        self.news = news
    }

    var isWorking: Bool { step != nil }
}

enum FollowPrompt {
    /// Takes in what the database knows of its succession (an event from the node, or a read).
    static func learned(_ news: SuccessionNews?, _ state: inout MainState, size: Size) {
        guard news != state.succession else { return }
        state.succession = news
        if let news, state.followPrompt?.isWorking == false { state.followPrompt?.news = news }
        state.relayout(size: size)
    }

    /// Opens the prompt by itself for news the person has not put off, once nothing else has
    /// the keyboard (a half-typed edit or search is never interrupted).
    static func presentIfNeeded(_ state: inout MainState) {
        guard let news = state.succession, news != state.followPutOff, state.followPrompt == nil,
              state.changePassphrase == nil, state.modal == nil, state.help == nil, state.editor == nil,
              state.filter == nil else { return }
        state.followPrompt = FollowPromptState(news: news)
    }

    /// `F`: opens the prompt again after it was put off.
    static func open(_ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard let news = state.succession else {
            App.notify(&model, "This database has not moved to a new passphrase: there is nothing to follow.", role: .statusWarning)
            return []
        }
        state.followPrompt = FollowPromptState(news: news)
        return []
    }

    static func handle(_ key: Key, _ state: inout MainState, _ model: inout AppModel) -> [Command] {
        guard var prompt = state.followPrompt else { return [] }
        defer { if state.followPrompt != nil { state.followPrompt = prompt } }
        if prompt.isWorking {
            guard key == .esc, !prompt.isStopping else { return [] }
            prompt.isStopping = true
            return [.cancelFollow]
        }
        switch key {
        case .esc:
            prompt.field.wipe()
            state.followPrompt = nil
            state.followPutOff = prompt.news
            App.notify(&model, "Put off: F follows the new passphrase when you are ready.")
            return []
        case .enter:
            guard !prompt.field.isEmpty else {
                prompt.error = "Type the new passphrase, then Enter."
                return []
            }
            if let check = JoinScreen.passphraseCheck(prompt.field.utf8, final: true), check.role != .success {
                prompt.error = "The passphrase: \(check.text)."
                return []
            }
            let secret = SecretText(prompt.field.utf8)
            prompt.field.wipe()
            prompt.step = .derivingKeys
            prompt.error = nil
            return [.follow(passphrase: secret)]
        default:
            if prompt.field.handle(key) { prompt.error = nil }
            return []
        }
    }

    static func progress(_ step: SuccessionStep, _ state: inout MainState) {
        guard state.followPrompt?.isWorking == true else { return }
        state.followPrompt?.step = step
    }

    /// The follow did not happen: the prompt says why and takes the passphrase again.
    static func failed(_ reason: String, _ state: inout MainState) -> Bool {
        guard var prompt = state.followPrompt, prompt.isWorking else { return false }
        prompt.step = nil
        prompt.isStopping = false
        prompt.error = reason
        state.followPrompt = prompt
        return true
    }

    // MARK: Drawing

    /// The line under the status bar while the database has moved.
    static func bannerText(_ news: SuccessionNews) -> String {
        if news.isConflicting {
            return "Conflicting successions: this database may be compromised. F to choose."
        }
        let candidate = news.candidates[0]
        return "Moved to a new passphrase on \(candidate.day) (from \(candidate.by)): F to follow."
    }

    static func render(_ prompt: FollowPromptState, model: AppModel, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var items: [FormItem] = []
        let news = prompt.news
        if news.isConflicting {
            items.append(.paragraph("Conflicting successions: this database may be compromised. Someone who holds the old passphrase may have made one of them:", .danger))
            for candidate in news.candidates {
                items.append(.line(Line([Span("  \(candidate.day)  ", role: .dim), Span("from \(candidate.by)"),
                                         Span("  → \(candidate.shortID)…", role: .titleFocused),
                                         Span("  domain \(candidate.domain)", role: .dim)])))
            }
            items += [.blank, .paragraph("Enter the new passphrase that is yours: it chooses which one to follow.", .text)]
        } else {
            let candidate = news.candidates[0]
            items.append(.paragraph("This database moved to a new passphrase on \(candidate.day) (from \(candidate.by)). Enter the new passphrase to follow.", .text))
        }
        items.append(.blank)
        items.append(.field(label: "New passphrase", state: prompt.field, focused: !prompt.isWorking, placeholder: ""))
        if !prompt.isWorking {
            if let check = JoinScreen.passphraseCheck(prompt.field.utf8) {
                items.append(.note(check.text, check.role))
            } else {
                items.append(.note("the 8 words, in order", .dim))
            }
        }
        items.append(.blank)
        if let step = prompt.step {
            items += working(step, stopping: prompt.isStopping, now: model.now)
        } else if let error = prompt.error {
            items.append(.paragraph(error, .danger))
        } else {
            items.append(.paragraph("What this device wrote since comes along. Until you follow, this database is read-only here.", .dim))
        }
        let title = news.isConflicting ? "Conflicting successions" : "Follow the new passphrase"
        Form(title: title, items: items, width: 76).render(in: area, buffer: &buffer, theme: theme)
    }

    /// The spinner and bar of a succession under way (shared with the change of passphrase).
    static func working(_ step: SuccessionStep, stopping: Bool = false, now: Double) -> [FormItem] {
        if stopping { return [.spinner("Stopping…", now: now)] }
        switch step {
        case .derivingKeys:
            return FormItem.derivingKeys(now: now)
        case let .fetching(have, of):
            return [.spinner(step.text, now: now), .progress(ProgressBar(.fraction(of == 0 ? 0 : Double(have) / Double(of))))]
        case let .copying(copied, of) where of > 0:
            return [.spinner(step.text, now: now), .progress(ProgressBar(.fraction(Double(copied) / Double(of))))]
        case .copying, .reopening:
            return [.spinner(step.text, now: now), .progress(ProgressBar(.indeterminate(frame: Int(now * 20))))]
        }
    }

    static func hints(_ prompt: FollowPromptState) -> [KeyHint] {
        if prompt.isWorking { return prompt.isStopping ? [] : [KeyHint("Esc", "stop")] }
        return [KeyHint("Enter", "follow"), KeyHint("Esc", "later (F reopens)")]
    }
}
