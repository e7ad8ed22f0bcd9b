import Testing
@testable import HyphaEngine

/// Known answers from libsodium's own test suite (test/default/*.c and *.exp at 1.0.18) and
/// RFC 8032 §7.1: they prove our wrappers call the primitives with the right arguments.
@Suite struct KnownAnswerTests {
    @Test func argon2idMatchesLibsodiumVector0() throws {
        // pwhash_argon2id.c tv[0]: 127-byte password, first 16 bytes of the salt, 155-byte output,
        // opslimit 5, memlimit 7256678; expected = first line of pwhash_argon2id.exp.
        let password = hex("a347ae92bce9f80f6f595a4480fc9c2fe7e7d7148d371e9487d75f5c23008ffae0"
            + "65577a928febd9b1973a5a95073acdbeb6a030cfc0d79caa2dc5cd011cef02c08d"
            + "a232d76d52dfbca38ca8dcbd665b17d1665f7cf5fe59772ec909733b24de97d6f5"
            + "8d220b20c60d7c07ec1fd93c52c31020300c6c1facd77937a597c7a6")
        #expect(password.count == 127)
        let salt = Array(hex("5541fbc995d5c197ba290346d2c559dedf405cf97e5f95482143202f9e74f5c2").prefix(16))
        let out = try KeyDerivationV1.argon2id(password: SecureBytes(copying: password), salt: salt,
                                               opsLimit: 5, memLimit: 7_256_678, length: 155)
        #expect(out.testHex == "18acec5d6507739f203d1f5d9f1d862f7c2cdac4f19d2bdff64487e60d969e3ced615337b9eec6ac4461c6ca07f0939741e57c24d0005c7ea171a0ee1e7348249d135b38f222e4dad7b9a033ed83f5ca27277393e316582033c74affe2566a2bea47f91f0fd9fe49ece7e1f79f3ad6e9b23e0277c8ecc4b313225748dd2a80f5679534a0700e246a79a49b3f74eb89ec6205fe1eeb941c73b1fcf1")
    }

    @Test func kdfMatchesLibsodiumVectors() throws {
        // kdf.c: master key bytes 0..31, context "KDF test", 64-byte subkeys for ids 0 and 1.
        let master = try SecureBytes(copying: (0..<32).map { UInt8($0) })
        let context = KDFContext("KDF test")
        #expect(try KeyDerivationV1.subkey(of: master, id: 0, context: context, length: 64).testHex
                == "a0c724404728c8bb95e5433eb6a9716171144d61efb23e74b873fcbeda51d8071b5d70aae12066dfc94ce943f145aa176c055040c3dd73b0a15e36254d450614")
        #expect(try KeyDerivationV1.subkey(of: master, id: 1, context: context, length: 64).testHex
                == "02507f144fa9bf19010bf7c70b235b4c2663cc00e074f929602a5e2c10a780757d2a3993d06debc378a90efdac196dd841817b977d67b786804f6d3cd585bab5")
    }

    @Test func ed25519MatchesRFC8032Test1() throws {
        let pair = try SigningKeyPair(seed: SecureBytes(copying: hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")))
        #expect(pair.publicKey.hex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = pair.sign([])
        #expect(Hex.encode(signature) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(pair.publicKey.verify(signature: signature, message: []))
        #expect(!pair.publicKey.verify(signature: signature, message: [0]))
    }

    @Test func ed25519MatchesRFC8032Test2() throws {
        let pair = try SigningKeyPair(seed: SecureBytes(copying: hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")))
        #expect(pair.publicKey.hex == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        let signature = pair.sign([0x72])
        #expect(Hex.encode(signature) == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        var tampered = signature
        tampered[10] ^= 1
        #expect(!pair.publicKey.verify(signature: tampered, message: [0x72]))
    }

    @Test func blake2bMatchesPublishedAbcVector() {
        #expect(Hex.encode(Blake2b.hash(Array("abc".utf8))) == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
    }
}
