import ArgumentParser
import Foundation

struct OrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order", abstract: "Act on one order.", subcommands: [Release.self])

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a held order regardless of its checks (an operator override, audited).")
        @OptionGroup var options: WriteOptions
        @Argument(help: "The order id.") var orderId: String
        @Option(help: "Why it may ship (required).") var note: String
        @Option(help: "The order's customer; needed only when several customers have an order with this id.") var customer: String?

        func run() async throws {
            var body: [String: Any] = ["note": note]
            if let customer { body["customer_id"] = customer }
            try await options.send(.post, "/v1/orders/\(pathSegment(orderId))/release", body: body)
        }
    }
}

struct LimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limit", abstract: "Operator credit limits.", subcommands: [Set.self, Clear.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a customer's permanent limit, or a temporary one with --until.")
        @OptionGroup var options: WriteOptions
        @Argument(help: "The customer id.") var customerId: String
        @Argument(help: "The limit in the credit currency, e.g. 25000.00.") var amount: String
        @Option(help: "Why (required, audited).") var reason: String
        @Option(help: "Last day of a temporary limit, YYYY-MM-DD.") var until: String?

        func run() async throws {
            var body: [String: Any] = ["amount": amount, "reason": reason]
            if let until { body["until"] = until }
            try await options.send(.put, "/v1/customers/\(pathSegment(customerId))/limit", body: body)
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the operator's limits (temporary and permanent); the class rule or the policy default applies.")
        @OptionGroup var options: WriteOptions
        @Argument(help: "The customer id.") var customerId: String
        @Option(help: "Why (required, audited).") var reason: String

        func run() async throws {
            try await options.send(.delete, "/v1/customers/\(pathSegment(customerId))/limit", body: ["reason": reason])
        }
    }
}

struct BlockCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "block", abstract: "Hold every new order of the customer.")
    @OptionGroup var options: WriteOptions
    @Argument(help: "The customer id.") var customerId: String
    @Option(help: "Why (required, audited).") var reason: String

    func run() async throws {
        try await options.send(.post, "/v1/customers/\(pathSegment(customerId))/block", body: ["reason": reason])
    }
}

struct UnblockCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unblock", abstract: "Lift the operator's block.")
    @OptionGroup var options: WriteOptions
    @Argument(help: "The customer id.") var customerId: String
    @Option(help: "Why (required, audited).") var reason: String

    func run() async throws {
        try await options.send(.post, "/v1/customers/\(pathSegment(customerId))/unblock", body: ["reason": reason])
    }
}

struct RescoreCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore", abstract: "Recompute the customer's score and risk class now (e.g. after a scorecard change).")
    @OptionGroup var options: WriteOptions
    @Argument(help: "The customer id.") var customerId: String
    @Option(help: "Why (optional, audited).") var reason: String?

    func run() async throws {
        var body: [String: Any] = [:]
        if let reason { body["reason"] = reason }
        try await options.send(.post, "/v1/customers/\(pathSegment(customerId))/rescore", body: body)
    }
}

struct ReviewCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Record that the customer's credit review is done: the next one is a class cycle away; a REVIEW_OVERDUE hold lifts.")
    @OptionGroup var options: WriteOptions
    @Argument(help: "The customer id.") var customerId: String
    @Option(help: "What the review found (required, audited).") var note: String

    func run() async throws {
        try await options.send(.post, "/v1/customers/\(pathSegment(customerId))/review", body: ["note": note])
    }
}
