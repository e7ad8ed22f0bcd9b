import Foundation

/// The authorisation flow on a running node: receiving requests (approver), answering them,
/// and asking for authorisation (joiner).
extension NodeRuntime {
    /// Every node relays; nodes with keys also open what is addressed to the database.
    func receiveEphemeral(_ envelope: [UInt8], hops: UInt8, from: ConnectionID) {
        let channel = state.withValue { $0.channel } ?? makeChannel(receiver: nil)
        guard let message = channel.handleIncoming(envelope, hops: hops, from: from) else { return }
        emit(.ephemeralReceived(messageID: message.header.messageID.hex, type: "\(message.type)"))
        switch AuthorisationMessage.decode(message, databaseID: database.databaseID) {
        case let .failure(rejection):
            logger.info("ignored an authorisation message: \(rejection)")
        case let .success(.request(request)):
            admit(request)
        case let .success(decided):
            guard let joiner = state.withValue({ $0.joiner }), joiner.handle(decided) else { return }
            if case let .denied(denial) = decided {
                updateJoin(.denied(reason: denial.reason))
            }
        }
    }

    private func admit(_ request: VerifiedAuthorisationRequest) {
        guard let own = state.withValue({ $0.keys?.device?.publicKey }) else { return }
        // A revoked device raises no alerts; a request answered anywhere never comes back.
        if (try? database.revocation(of: own)) != nil { return }
        if let status = try? database.status(of: request.deviceKey), status != .unknown {
            return   // already a writer (the grant is on its way) or revoked for good
        }
        if (try? database.denial(of: request.requestID)) != nil { return }
        do {
            switch try requests.admit(request) {
            case let .admitted(record, _):
                emit(.authorisationRequested(record))
                emit(.requestsChanged)
            case .duplicate: break
            case let .refused(reason):
                logger.warning("authorisation request refused: \(reason)")
            }
        } catch {
            logger.error("cannot store an authorisation request: \(error)")
        }
    }

    /// Requests not yet answered, oldest first.
    public func pendingRequests() throws -> [AuthorisationRecord] { try requests.pending() }

    /// Approves one specific request: appends the root-signed add-writer for its device key
    /// and sends the grant hint. Another request never changes what this approves.
    @discardableResult
    public func authorise(_ id: RequestID, code: VerificationCode? = nil) throws -> AuthorisationRecord {
        let record = try database.approve(request: id, code: code)
        queue.async { self.sendDecidedReplies() }
        emit(.requestsChanged)
        return record
    }

    /// Denies one request for good: a root-signed denial that every node (and the joiner)
    /// receives; the request can then never be approved anywhere.
    @discardableResult
    public func deny(_ id: RequestID, reason: String = "denied") throws -> AuthorisationRecord {
        let record = try database.deny(request: id, reason: reason)
        queue.async { self.sendDecidedReplies() }
        emit(.requestsChanged)
        return record
    }

    /// Authorises this node with the passphrase alone (when no authorised node is reachable).
    public func authoriseSelf() throws {
        guard let device = onQueue({ state.withValue { $0.keys?.device?.publicKey } }) else { throw NodeError.locked }
        try database.authorise(device: device, name: config.nodeName)
        queue.async { self.checkJoinProgress() }
    }

    /// Sends the Granted/Denied hint for requests decided here (in this process or by
    /// `hypha authorise` / `deny` in another one); the decision itself is in the log already.
    func sendDecidedReplies() {
        guard let (keys, channel) = state.withValue({ s in s.keys.flatMap { k in s.channel.map { (k, $0) } } }),
              let replies = try? requests.repliesToSend(), !replies.isEmpty else { return }
        for record in replies {
            do {
                if let reply = record.reply {
                    channel.send(try EphemeralEnvelope.seal(type: reply.type, body: reply.body,
                                                            discoveryID: DiscoveryID(databaseID: database.databaseID),
                                                            channelKey: keys.channelKey,
                                                            sentAt: UInt64(Date().timeIntervalSince1970 * 1000)))
                }
                try requests.markReplySent(record.requestID)
            } catch {
                logger.error("cannot answer request \(record.requestID): \(error)")
            }
        }
    }

    // MARK: Joining

    /// A node holding the keys whose device is not a writer asks to be authorised, re-sending
    /// until the add-writer for its key replicates here (or it is denied).
    func startJoiningIfNeeded() {
        guard let keys = state.withValue({ $0.keys }), let device = keys.device, state.withValue({ $0.joiner == nil }),
              let status = try? database.status(of: device.publicKey), status == .unknown else {
            checkJoinProgress()
            return
        }
        let channel: @Sendable ([UInt8]) -> Void = { [weak self] envelope in
            guard let self else { return }
            self.queue.async { self.state.withValue { $0.channel }?.send(envelope) }
        }
        do {
            let joiner = try JoinRequester(databaseID: database.databaseID, channelKey: keys.channelKey, deviceKeys: device,
                                           nodeName: config.nodeName, resendInterval: options.joinResendMilliseconds,
                                           send: channel) { [weak self] event in
                guard let self else { return }
                self.queue.async { self.joinEvent(event) }
            }
            state.withValue { $0.joiner = joiner }
            updateJoin(.waiting)
            joiner.start()
        } catch {
            logger.error("cannot ask for authorisation: \(error)")
            emit(.notice("cannot ask for authorisation: \(error)"))
        }
    }

    private func joinEvent(_ event: JoinEvent) {
        switch event {
        case .newRequest: updateJoin(.waiting)
        case .grantReceived: checkJoinProgress()
        case let .denied(denial): updateJoin(.denied(reason: denial.reason))
        }
    }

    /// Becomes writable when the add-writer for this node's key is in the database; stops
    /// asking when its request was denied in the database (the denial replicates like any
    /// operation, so the joiner learns it even if the Denied message never reached it).
    func checkJoinProgress() {
        guard let joiner = state.withValue({ $0.joiner }), let device = ownDeviceKeyForJoin,
              let status = try? database.status(of: device) else { return }
        if status == .authorised {
            joiner.stop(.authorised)
            updateJoin(.authorised)
        } else if let by = try? database.denial(of: joiner.requestID), joiner.joinState == .waiting {
            let reason = "denied by \(by)"
            joiner.stop(.denied(reason: reason))
            updateJoin(.denied(reason: reason))
        }
    }

    private var ownDeviceKeyForJoin: PublicKey? { state.withValue { $0.keys?.device?.publicKey } }

    private func updateJoin(_ phase: JoinState) {
        let joiner = state.withValue { $0.joiner }
        let status = JoinStatus(requestID: joiner?.requestID, code: joiner?.verificationCode, state: phase)
        let changed = state.withValue { s -> Bool in
            defer { s.join = status }
            return s.join != status
        }
        if changed { emit(.joinStatus(status)) }
    }
}
