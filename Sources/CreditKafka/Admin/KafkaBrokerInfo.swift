/// One broker as the cluster advertises it (the address clients will connect to).
public struct KafkaBrokerInfo: Sendable, Hashable, CustomStringConvertible {
    public var id: Int32
    public var host: String
    public var port: Int

    public init(id: Int32, host: String, port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }

    public var description: String { "\(id)@\(host):\(port)" }
}
