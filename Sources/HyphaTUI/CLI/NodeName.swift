import Foundation
import HyphaEngine

/// Node names: what other nodes show in "Authorise node NAME?" and in the nodes pane.
enum NodeName {
    static func validated(_ name: String?) throws -> String {
        let chosen = (name ?? defaultName()).trimmingCharacters(in: .whitespaces)
        guard !chosen.isEmpty else { throw OperationalFailure(message: "the node name is empty", status: 2) }
        guard chosen.utf8.count <= EntryLimits.maxNodeNameBytes else {
            throw OperationalFailure(message: "the node name is longer than \(EntryLimits.maxNodeNameBytes) bytes", status: 2)
        }
        guard !chosen.unicodeScalars.contains(where: Sanitise.isDangerous) else {
            throw OperationalFailure(message: "the node name contains control or invisible characters", status: 2)
        }
        return chosen
    }

    /// The host name, else "node".
    static func defaultName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "node" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "node" : String(name.prefix(EntryLimits.maxNodeNameBytes))
    }
}
