import Foundation
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle

/// The daemon's HTTP surface as a swift-service-lifecycle `Service`: `/healthz`, `/readyz`,
/// `/metrics` and the admin API under `/v1/`.
///
/// Add it to the daemon's `ServiceGroup`; graceful shutdown stops accepting connections and lets
/// in-flight requests finish. With port 0, await `boundAddress()` (or pass `onListening`) to learn
/// the port the kernel chose.
public final class HTTPServer: Service, Sendable {
    public let configuration: HTTPServerConfiguration
    private let responder: CreditResponder
    private let logger: Logger
    private let onListening: (@Sendable (HTTPBoundAddress) -> Void)?
    private let listening = ListeningState()

    /// - Parameters:
    ///   - readiness: answers `/readyz`.
    ///   - backend: carries out admin commands; never called when the admin API is disabled or
    ///     the request is refused.
    ///   - metrics: the registry `/metrics` renders (normally `CreditMetrics.bootstrapped`).
    ///   - onListening: called once, when the socket is bound, with the real address.
    public init(
        configuration: HTTPServerConfiguration,
        readiness: any ReadinessProbe,
        backend: any AdminBackend,
        metrics: CreditMetrics,
        logger: Logger = Logger(label: "creditd.http"),
        onListening: (@Sendable (HTTPBoundAddress) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.responder = CreditResponder(
            authorizer: AdminAuthorizer(token: configuration.adminToken),
            readiness: readiness,
            backend: backend,
            metrics: metrics,
            maxRequestBodyBytes: configuration.maxRequestBodyBytes,
            logger: logger
        )
    }

    /// Whether `/v1/` is served (a non-blank admin token is configured).
    public var isAdminEnabled: Bool { responder.authorizer.isEnabled }

    /// Serves until graceful shutdown or cancellation. Throws when the address cannot be bound.
    /// Call once.
    public func run() async throws {
        guard listening.start() else { throw HTTPServerError.alreadyStarted }
        let listening = self.listening
        let onListening = self.onListening
        let logger = self.logger
        let isAdminEnabled = self.isAdminEnabled
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                guard let local = channel.localAddress, let host = local.ipAddress, let port = local.port else {
                    return
                }
                let address = HTTPBoundAddress(host: host, port: port)
                // At notice: where the admin API listens is what an operator looks for at start-up.
                logger.notice(
                    "HTTP listening",
                    metadata: ["address": "\(address)", "admin_api": "\(isAdminEnabled ? "enabled" : "disabled")"]
                )
                listening.listening(on: address)
                onListening?(address)
            },
            logger: logger
        )
        do {
            try await application.run()
        } catch {
            listening.stopped(.stoppedBeforeListening(reason: String(describing: error)))
            // A bind that failed says which address and why, in the system's words ("Address
            // already in use"), not as NIO's call description.
            if let failure = error as? IOError, !listening.hasListened {
                throw HTTPServerError.cannotListen(address: "\(configuration.host):\(configuration.port)",
                                                   reason: String(cString: strerror(failure.errnoCode)))
            }
            throw error
        }
        listening.stopped(.stoppedBeforeListening(reason: "shut down"))
    }

    /// The address the server listens on, once it does. Throws `HTTPServerError` when the server
    /// stopped (or failed to bind) before listening, `CancellationError` if the caller is cancelled.
    public func boundAddress() async throws -> HTTPBoundAddress {
        try await listening.address()
    }
}
