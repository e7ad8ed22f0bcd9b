/// Fetching (Want → Data → ingest), serving (Want → store chunks → Data) and the synced state.
extension SyncSession {
    // MARK: - Fetching

    /// Asks for what the peer has beyond our length, within the per-peer window.
    mutating func scheduleWants() {
        guard phase == .open, headsLoaded, ceilingsKnown else { return }
        for writer in candidates.sorted() {
            guard inFlightBlocks < limits.maxBlocksInFlight else { break }
            guard var w = writers[writer], !w.stalled else { continue }
            let target = min(w.remoteLength, ceiling(of: writer, w))
            var from = w.investigating ? w.requestedUpTo : max(w.requestedUpTo, w.localLength, w.fetchedUpTo)
            while w.outstanding.count < limits.maxOutstandingWantsPerWriter, from < target,
                  inFlightBlocks < limits.maxBlocksInFlight {
                let span = min(target - from, limits.wantSpan, limits.maxBlocksInFlight - inFlightBlocks)
                send(.want(writer: writer, start: from, end: from + span))
                w.outstanding.append(from..<(from + span))
                inFlightBlocks += span
                from += span
                w.requestedUpTo = from
            }
            if w.investigating && w.requestedUpTo >= target { w.investigating = false }
            writers[writer] = w
        }
    }

    /// How far to ask for `writer`'s log: the store's ceiling, or a first bite of a log we hold
    /// nothing of (then the store's ceilings are read again before asking more).
    func ceiling(of writer: PublicKey, _ w: WriterSync) -> UInt64 {
        if let ceiling = ceilings[writer] { return ceiling }
        if awaitingCeiling.contains(writer) { return w.localLength }
        return w.localLength == 0 && !w.investigating ? limits.firstAskBlocks : .max
    }

    /// Asks the store for its ceilings (answers arrive in order).
    mutating func requestCeilings() {
        ceilingRequests.append(awaitingCeiling)
        actions.append(.loadCeilings)
    }

    mutating func receiveData(_ chunk: BlockChunk) {
        guard track(chunk.writer), var w = writers[chunk.writer] else { return }
        if chunk.signed.length > w.remoteLength {
            w.remoteHead = chunk.signed
            w.stalled = false
        }
        w.remoteKnown = max(w.remoteKnown, chunk.end)
        // Wants are answered in order, so a chunk can only belong to the oldest one.
        var matched = false
        if let first = w.outstanding.first, chunk.start < first.upperBound, chunk.end > first.lowerBound {
            matched = true
            if chunk.end >= first.upperBound {
                inFlightBlocks -= UInt64(first.count)
                w.outstanding.removeFirst()
            } else {
                inFlightBlocks -= chunk.end - first.lowerBound
                w.outstanding[0] = chunk.end..<first.upperBound
            }
        }
        if chunk.signed.length > w.localLength { candidates.insert(chunk.writer) }
        guard chunk.start <= max(w.localLength, w.fetchedUpTo) else {
            // A gap: the store could not verify it. Ask from where we are instead. Pushed
            // unasked, it cost bandwidth for nothing: paid like blocks that do not count.
            if !matched { actions.append(.chargeUnaskedUncounted(bytes: chunk.byteCount)) }
            writers[chunk.writer] = w
            scheduleWants()
            return checkSynced()
        }
        w.fetchedUpTo = max(w.fetchedUpTo, chunk.end)
        if matched || !w.investigating { w.requestedUpTo = max(w.requestedUpTo, chunk.end) }
        writers[chunk.writer] = w
        pendingIngestBytes += chunk.byteCount
        pendingIngestCount += 1
        if !matched { unaskedInStore[UnaskedChunk(chunk), default: 0] += 1 }
        actions.append(.ingest(chunk))
        if !readingPaused && pendingIngestBytes > limits.maxPendingIngestBytes {
            readingPaused = true
            actions.append(.pauseReading)
        }
        scheduleWants()
        checkSynced()
    }

    mutating func receiveNoData(writer: PublicKey, start: UInt64) {
        guard var w = writers[writer] else { return }
        if let first = w.outstanding.first {
            inFlightBlocks -= UInt64(first.count)
            w.outstanding.removeFirst()
        }
        w.stalled = true
        if w.outstanding.isEmpty {
            w.investigating = false
            w.requestedUpTo = max(w.localLength, w.fetchedUpTo)
        }
        writers[writer] = w
        scheduleWants()
        checkSynced()
    }

    mutating func ingested(_ chunk: BlockChunk, _ result: Result<IngestResult, StoreFailure>) {
        pendingIngestBytes -= chunk.byteCount
        pendingIngestCount -= 1
        let key = UnaskedChunk(chunk)
        let unasked = unaskedInStore[key] != nil
        if let waiting = unaskedInStore[key] { unaskedInStore[key] = waiting > 1 ? waiting - 1 : nil }
        if readingPaused && pendingIngestBytes <= limits.resumeIngestBytes {
            readingPaused = false
            actions.append(.resumeReading)
        }
        guard phase == .open else { return }
        switch result {
        case let .success(.stored(newLength)):
            guard var w = writers[chunk.writer] else { break }
            let firstBite = w.localLength == 0 && ceilings[chunk.writer] == nil
            w.localLength = max(w.localLength, newLength)
            let reachedCeiling = ceilings[chunk.writer].map { w.localLength >= $0 && w.remoteLength > w.localLength } ?? false
            if firstBite || reachedCeiling {
                // How much more counts is the store's call.
                awaitingCeiling.insert(chunk.writer)
                if ceilingRequests.isEmpty { requestCeilings() }
            }
            if newLength == chunk.signed.length && (w.localHead?.length ?? 0) <= newLength { w.localHead = chunk.signed }
            writers[chunk.writer] = w
            report(.progress(writer: chunk.writer, localLength: w.localLength, remoteLength: w.remoteLength))
            if newLength == chunk.signed.length { report(.ingested(chunk.signed)) }
        case .success(.alreadyHave):
            // Pushed unasked behind blocks that did not count (the store had nothing to put
            // them after): as costly as those, and paid the same way.
            if unasked, writers[chunk.writer]?.stalled == true { actions.append(.chargeUnaskedUncounted(bytes: chunk.byteCount)) }
        case let .success(.rejected(reason)):
            report(.rejectedData(writer: chunk.writer, reason: reason))
            return close(.badData, "rejected data for writer \(chunk.writer.shortHex): \(reason)", notify: true)
        case .success(.needsFullLog):
            startInvestigation(chunk.writer)
        case .success(.notCounted):
            // What we asked for is bounded by our own Wants; what the peer pushes unasked is
            // paid from the node's budget for it (the driver closes the session when it is spent).
            if unasked { actions.append(.chargeUnaskedUncounted(bytes: chunk.byteCount)) }
            // Valid, but it does not count here: ask no more until membership changes.
            if var w = writers[chunk.writer] {
                w.stalled = true
                w.fetchedUpTo = w.localLength
                w.requestedUpTo = w.localLength
                writers[chunk.writer] = w
            }
        case let .failure(failure):
            return close(.storeFailure, "storing replicated data failed: \(failure.message)", notify: true)
        }
        scheduleWants()
        checkSynced()
    }

    /// Reports `synced` when everything the peer advertised is stored (or the peer could not give
    /// more), and `syncing` when that stops being true.
    mutating func checkSynced() {
        guard phase == .open, headsLoaded, haveReceived else { return }
        var done = inFlightBlocks == 0 && pendingIngestCount == 0 && pendingEvidence == 0
        if done {
            for writer in candidates {
                guard var w = writers[writer] else { candidates.remove(writer); continue }
                // Waiting for the store's ceiling after a first bite: not done, still a candidate.
                if awaitingCeiling.contains(writer) {
                    done = false
                    continue
                }
                if !w.investigating && w.localLength >= min(w.remoteLength, ceiling(of: writer, w)) && w.localLength > 0
                    || !w.investigating && w.localLength >= w.remoteLength {
                    candidates.remove(writer)
                    continue
                }
                if w.outstanding.isEmpty && !w.stalled && !w.investigating
                    && max(w.fetchedUpTo, w.requestedUpTo) >= w.remoteLength {
                    // All of it arrived but the store did not take all of it: stop asking.
                    w.stalled = true
                    w.fetchedUpTo = w.localLength
                    w.requestedUpTo = w.localLength
                    writers[writer] = w
                }
                if !w.stalled { done = false }
            }
        }
        if done != isSynced {
            isSynced = done
            report(done ? .synced : .syncing)
        }
    }

    // MARK: - Serving

    mutating func receiveWant(writer: PublicKey, start: UInt64, end: UInt64) {
        guard serveQueue.count < limits.maxQueuedWants else {
            return close(.overloaded, "the peer queued more than \(limits.maxQueuedWants) requests", notify: true)
        }
        if var w = writers[writer] {
            w.remoteKnown = max(w.remoteKnown, start)
            writers[writer] = w
        }
        serveQueue.append(ServeJob(writer: writer, next: start, end: end))
        pumpServe()
    }

    /// Answers Wants one at a time, one store step at a time, pausing while the channel is not
    /// writable so that a slow reader bounds what we hold in memory.
    mutating func pumpServe() {
        guard phase == .open, !awaitingServeChunks, writable else { return }
        if serving == nil {
            guard let job = serveQueue.popFirst() else { return }
            serving = job
        }
        guard let job = serving else { return }
        let (stepEnd, overflow) = job.next.addingReportingOverflow(limits.serveStepBlocks)
        awaitingServeChunks = true
        actions.append(.loadChunks(ChunkRequest(purpose: .serve, writer: job.writer, start: job.next,
                                                end: overflow ? job.end : min(job.end, stepEnd),
                                                maxBytes: limits.chunkMaxBytes)))
    }

    mutating func chunksLoaded(_ request: ChunkRequest, _ result: Result<[BlockChunk], StoreFailure>) {
        guard phase == .open else { return }
        var chunks: [BlockChunk] = []
        switch result {
        case let .success(loaded): chunks = loaded
        case let .failure(failure):
            report(.storeProblem("reading \(request.writer.shortHex) from \(request.start) failed: \(failure.message)"))
        }
        switch request.purpose {
        case .serve:
            guard awaitingServeChunks, var job = serving, job.writer == request.writer, job.next == request.start else { return }
            awaitingServeChunks = false
            let position = sendChunks(chunks, writer: job.writer, from: job.next)
            if position == job.next {
                send(.noData(writer: job.writer, start: job.next))
                serving = nil
            } else if position >= job.end {
                serving = nil
            } else {
                job.next = position
                serving = job
            }
            pumpServe()
        case .push:
            let position = sendChunks(chunks, writer: request.writer, from: request.start)
            if position < request.end, let head = writers[request.writer]?.localHead {
                send(.have([head]))
            }
        }
    }

    /// Sends the usable prefix of `chunks` as Data; returns the position reached.
    private mutating func sendChunks(_ chunks: [BlockChunk], writer: PublicKey, from start: UInt64) -> UInt64 {
        var position = start
        for chunk in chunks {
            guard chunk.writer == writer, chunk.start <= position, chunk.end > position,
                  (try? chunk.checkWireLimits()) != nil,
                  chunk.dataMessageSize <= WireLimits.maxMessageLength else {
                report(.storeProblem("the store returned an unusable chunk of \(writer.shortHex) at \(chunk.start)"))
                break
            }
            send(.data(chunk))
            position = chunk.end
            if var w = writers[writer] {
                w.remoteKnown = max(w.remoteKnown, chunk.end)
                w.advertised = max(w.advertised, chunk.signed.length)
                writers[writer] = w
            }
        }
        return position
    }
}
