/// The route table, as a pure function of method and raw path, so it is tested without a socket.
///
/// Written by hand rather than with a router: a dozen fixed routes, and full control over 404/405
/// answers, which must be JSON with stable codes like every other error.
enum RouteTable {
    /// Is `path` under the admin API (and so behind the bearer token, matched or not)?
    ///
    /// Decided on the segments routing uses (empty ones dropped, percent-decoded), never on the
    /// raw text: `//v1/...` or `/%76%31/...` reach the same handlers as `/v1/...`, so they must
    /// meet the same check. A path that does not decode is refused by routing (400) and reaches
    /// no handler; it is treated as protected all the same.
    static func isAdminPath(_ path: String) -> Bool {
        guard let segments = segments(of: path) else { return true }
        // The report holds every customer's figures: it is behind the token like the admin API.
        return segments.first == "v1" || segments == ["report"]
    }

    /// The path's segments, empty ones dropped and each percent-decoded; nil when one does not
    /// decode.
    static func segments(of path: String) -> [String]? {
        let rawSegments = path.split(separator: "/", omittingEmptySubsequences: true)
        var segments: [String] = []
        segments.reserveCapacity(rawSegments.count)
        for raw in rawSegments {
            guard let decoded = String(raw).removingPercentEncodingStrictly() else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    static func resolve(method: String, path: String) -> RouteResolution {
        guard let segments = segments(of: path) else { return .badPath }
        // Each candidate: the methods the path takes, and the endpoint per method.
        let candidates: [String: Endpoint]
        switch segments.count {
        case 1 where segments[0] == "healthz":
            candidates = ["GET": .health]
        case 1 where segments[0] == "readyz":
            candidates = ["GET": .readiness]
        case 1 where segments[0] == "metrics":
            candidates = ["GET": .metrics]
        case 1 where segments[0] == "report":
            candidates = ["GET": .report(html: true)]
        case 2 where segments[0] == "v1" && segments[1] == "report":
            candidates = ["GET": .report(html: false)]
        case 3 where segments[0] == "v1" && segments[1] == "bureau" && segments[2] == "reports":
            candidates = ["POST": .admin(.importBureauReports, identifier: "")]
        case 3 where segments[0] == "v1" && segments[1] == "outbox" && segments[2] == "retry":
            candidates = ["POST": .admin(.retryRefusedOutbox, identifier: "")]
        case 3 where segments[0] == "v1" && segments[1] == "customers":
            candidates = ["GET": .admin(.showCustomer, identifier: segments[2])]
        case 4 where segments[0] == "v1" && segments[1] == "orders" && segments[3] == "release":
            candidates = ["POST": .admin(.releaseOrder, identifier: segments[2])]
        case 4 where segments[0] == "v1" && segments[1] == "customers":
            let id = segments[2]
            switch segments[3] {
            case "limit":
                candidates = [
                    "PUT": .admin(.setLimit, identifier: id),
                    "DELETE": .admin(.clearLimit, identifier: id),
                ]
            case "block": candidates = ["POST": .admin(.blockCustomer, identifier: id)]
            case "unblock": candidates = ["POST": .admin(.unblockCustomer, identifier: id)]
            case "rescore": candidates = ["POST": .admin(.rescoreCustomer, identifier: id)]
            case "review": candidates = ["POST": .admin(.completeReview, identifier: id)]
            default: return .notFound
            }
        default:
            return .notFound
        }
        if let endpoint = candidates[method] {
            return .endpoint(endpoint)
        }
        return .methodNotAllowed(allowed: candidates.keys.sorted())
    }
}

extension String {
    /// Percent-decoding that refuses malformed escapes (`%zz`, a lone `%`) and invalid UTF-8
    /// instead of passing them through, so `C%2D1` and `C-1` are the same customer and nothing
    /// ambiguous reaches the backend.
    func removingPercentEncodingStrictly() -> String? {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue),
                  let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
