import Testing
@testable import CreditHTTP

@Suite("Constant-time token comparison")
struct ConstantTimeTests {
    @Test("equal values compare equal")
    func equal() {
        #expect(ConstantTime.equals("s3cret-token", "s3cret-token"))
        #expect(ConstantTime.equals([], []))
    }

    @Test("a difference anywhere, first or last byte, makes them unequal")
    func unequalSameLength() {
        #expect(!ConstantTime.equals("X3cret-token", "s3cret-token"))
        #expect(!ConstantTime.equals("s3cret-tokeX", "s3cret-token"))
        #expect(!ConstantTime.equals([0x00], [0x80]))
    }

    @Test(
        "different lengths are unequal, even when one is a prefix or a repetition of the other",
        arguments: [
            ("s3cret", "s3cret-token"),
            ("s3cret-token-and-more", "s3cret-token"),
            ("abcabc", "abc"),  // equal byte-wise modulo the secret length: only the length differs
            ("", "abc"),
            ("abc", ""),
        ]
    )
    func differentLengths(presented: String, expected: String) {
        #expect(!ConstantTime.equals(presented, expected))
    }

    @Test("a length difference that is a multiple of 256 is still seen")
    func lengthDifferenceNotTruncated() {
        let secret = Array(repeating: UInt8(ascii: "a"), count: 1)
        let presented = Array(repeating: UInt8(ascii: "a"), count: 257)
        #expect(!ConstantTime.equals(presented, secret))
    }
}

@Suite("Admin authorization decisions")
struct AdminAuthorizerTests {
    @Test("no configured token disables the admin API whatever the request carries")
    func disabled() {
        for token in [nil, "", "  \n"] as [String?] {
            let authorizer = AdminAuthorizer(token: token)
            #expect(!authorizer.isEnabled)
            #expect(authorizer.check(authorizationHeader: "Bearer anything")?.code == "admin_disabled")
            #expect(authorizer.check(authorizationHeader: "Bearer anything")?.status == 403)
        }
    }

    @Test("missing or non-bearer credentials are 401 unauthorized; a wrong token is 403 forbidden")
    func refusals() {
        let authorizer = AdminAuthorizer(token: "abc\n")
        #expect(authorizer.check(authorizationHeader: nil)?.code == "unauthorized")
        #expect(authorizer.check(authorizationHeader: "Basic YWJjOmRlZg==")?.code == "unauthorized")
        #expect(authorizer.check(authorizationHeader: "Bearer")?.code == "unauthorized")
        #expect(authorizer.check(authorizationHeader: "Bearer   ")?.status == 401)
        #expect(authorizer.check(authorizationHeader: "Bearer abd")?.code == "forbidden")
        #expect(authorizer.check(authorizationHeader: "Bearer abd")?.status == 403)
        #expect(authorizer.check(authorizationHeader: "Bearer abcabc")?.code == "forbidden")
        #expect(authorizer.check(authorizationHeader: "Bearer abc") == nil)
        #expect(authorizer.check(authorizationHeader: "bearer  abc ") == nil)
    }
}
