import Foundation

/// A node holds one descriptor per connection: raise the soft limit on open files to the hard
/// limit (a server's unit file sets the hard limit, e.g. systemd's LimitNOFILE).
enum FileDescriptorLimit {
    /// The soft limit in force afterwards.
    @discardableResult
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
