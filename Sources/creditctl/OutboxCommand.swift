import ArgumentParser
import CreditCore
import CreditDaemon
import CreditStore
import Foundation

/// Messages the broker refused for good (too large for the topic, say): the relay parks them
/// instead of retrying for ever in front of everything else. `refused` lists them from the
/// database; `retry` asks the daemon to publish them again once the cause is fixed.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Messages the broker refused for good.", subcommands: [Refused.self, Retry.self])

    struct Refused: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the refused messages, oldest first, with the broker's answer.")
        @OptionGroup var options: ReadOptions

        func run() throws {
            let path = try options.databasePath()
            let messages: [RefusedMessage]
            do {
                let database = try CreditDatabase(readOnlyPath: path)
                messages = try database.read { db in
                    // A database written by a daemon older than the table has nothing refused.
                    try db.tableExists("outbox_refused") ? try RefusedOutbox.list(db) : []
                }
            } catch {
                throw fail("\(error)")
            }
            if options.json {
                return printJSON(.object([JSONMember("refused", .array(messages.map { message in
                    .object([
                        JSONMember("seq", .integer(Int(message.seq))),
                        JSONMember("message_id", .string(message.messageId)),
                        JSONMember("topic", .string(message.topic)),
                        JSONMember("key", message.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
                        JSONMember("bytes", .integer(message.valueBytes)),
                        JSONMember("created_at", .string(message.createdAt)),
                        JSONMember("refused_at", .string(message.refusedAt)),
                        JSONMember("error_code", .string(message.errorCode)),
                        JSONMember("error", .string(message.errorMessage)),
                    ])
                }))]))
            }
            var table = Table(headers: ["seq", "refused at", "topic", "message id", "bytes", "error"], rightAligned: [0, 4])
            for message in messages {
                table.add([String(message.seq), message.refusedAt, message.topic, message.messageId, String(message.valueBytes),
                           message.errorCode])
            }
            table.print()
            print("\(messages.count) refused message\(messages.count == 1 ? "" : "s")"
                  + (messages.isEmpty ? "" : "; fix the cause, then `creditctl outbox retry --reason ...`"))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put refused messages back at the end of the outbox (all, or those named by seq) to be published again.")
        @OptionGroup var options: WriteOptions
        @Argument(help: "The messages' seq numbers (from `creditctl outbox refused`); none means all.") var seqs: [Int64] = []
        @Option(help: "What was fixed (required, logged).") var reason: String

        func run() async throws {
            var body: [String: Any] = ["reason": reason]
            if !seqs.isEmpty { body["seqs"] = seqs }
            let object: [String: Any]?
            do {
                (_, object) = try await options.request(.post, "/v1/outbox/retry", body: body)
            } catch let refusal as AdminRefusal {
                return try options.reportAlreadyApplied(refusal)
            }
            let requeued = object?["requeued"] as? Int ?? 0
            if options.json {
                return printJSON(.object([JSONMember("requeued", .integer(requeued))]))
            }
            print("\(requeued) message\(requeued == 1 ? "" : "s") put back into the outbox")
        }
    }
}
