import Testing
@testable import HyphaEngine

/// Key derivation v1 golden vector.
///
/// How it was obtained (and why it is independent of libsodium): scripts/golden-vector.py
/// computes the salt with Python's hashlib.blake2b, M with the Debian `argon2` command
/// (phc-winner-argon2 20171227: `argon2 SALT -id -t 3 -k 262144 -p 1 -l 32 -r`), the
/// crypto_kdf subkeys as hashlib.blake2b(key=M, salt=u64le(id)‖0⁸, person=ctx‖0⁸) and the
/// Ed25519 public keys with OpenSSL (Python `cryptography`).
@Suite struct KeyDerivationTests {
    static let passphrase = "abacus abdomen abdominal abide abiding ability ablaze able"
    static let databaseID = "6d5834187da6611b86a9f2f2c7381cfc2cabd849ad81139d994d61c894cb9c2e"

    @Test func goldenVector() throws {
        #expect(Hex.encode(KeyDerivationV1.salt(canonicalDomain: "example.org")) == "80a5233c78a6019dd551ecbbe1e289b5")
        let canonical = try Passphrase.canonicalise(.from(Self.passphrase))
        let master = try KeyDerivationV1.master(canonicalPassphrase: canonical, salt: KeyDerivationV1.salt(canonicalDomain: "example.org"))
        #expect(master.testHex == "defef245f446731bdbc83e02829409c653b93af89aafca31ef2202f8d9e3b9d7")
        #expect(try KeyDerivationV1.subkey(of: master, id: 1, context: .root).testHex
                == "a1684f42a4b04328f51fe159a36a1ad061b77b30eb4c8b5164f68b60f91ba26f")
        let keys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(7))
        #expect(keys.databaseID.hex == Self.databaseID)
        #expect(keys.channelKey.testHex == "53cc7ff28d413864278ddcfb979c268f9b78dfab0d0a037d46c72d4c40d915e1")
        #expect(keys.dataKey.testHex == "c8211df31833cc7de18a9afcc23a962fcdf9af49210c00df9caa6451e0066735")
        #expect(keys.device?.publicKey.hex == "9cd8eb879adcd8b3d957efb633572ad0a572a23043031e45b33a9415777a4f6c")
        let big = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(0x0123456789abcdef))
        #expect(big.device?.publicKey.hex == "a3e60d9d53a252ef2dd61deba70551a25c63ea88b658e7fe18547ca5b19f3930")
    }

    @Test func canonicalisationGivesTheSameId() throws {
        let messy = try Identity.derive(passphrase: .from("  Abacus\tABDOMEN  abdominal\t\tabide abiding Ability ablaze ABLE \n"),
                                        domain: " Example.ORG. ")
        #expect(messy.databaseID.hex == Self.databaseID)
        // The salt is taken over the lower-cased form.
        #expect(KeyDerivationV1.salt(canonicalDomain: try Domain.canonicalise(" Example.ORG. "))
                == KeyDerivationV1.salt(canonicalDomain: "example.org"))
    }

    @Test func asyncDerivationRunsOffTheCallerAndReportsCompletion() async throws {
        let keys = try await Identity.derive(passphrase: .from(Self.passphrase), domain: "example.org", deviceID: DeviceID(7))
        #expect(keys.databaseID.hex == Self.databaseID)
        keys.wipe()
        #expect(keys.isWiped)
        #expect(keys.channelKey.isWiped && keys.dataKey.isWiped && keys.device!.isWiped)
    }

    @Test func inputErrorsAreReportedBeforeArgon2() async {
        await #expect(throws: InputError.passphraseTooFewWords(count: 5, minimum: 6)) {
            try await Identity.derive(passphrase: .from("abacus abdomen abdominal abide abiding"), domain: "example.org")
        }
    }
}
