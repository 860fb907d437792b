/// `security.protocol` values.
public enum SecurityProtocol: String, Sendable, Hashable {
    case plaintext
    case ssl
    case saslPlaintext = "sasl_plaintext"
    case saslSSL = "sasl_ssl"
}
