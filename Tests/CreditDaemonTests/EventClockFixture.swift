import CreditCore
import CreditStore
import Foundation
@testable import CreditDaemon

/// A batch processor under the event clock on a temporary SQLite file, and the input messages
/// a test builds for it (CloudEvents of source `t`, offsets in order).
struct EventClockFixture {
    let path = NSTemporaryDirectory() + "fixture-\(UUID().uuidString).sqlite"
    let processor: BatchProcessor
    var messages: [IncomingMessage] = []

    init(policy: Policy = SchedulerTests.policy()) throws {
        var config = DaemonConfig()
        config.databasePath = path
        config.clock = .event
        config.instance = "creditd-test"
        processor = BatchProcessor(database: try CreditDatabase(path: path, durability: .normal), config: config,
                                   policy: policy, policySource: nil)
    }

    mutating func add(_ type: String, _ id: String, _ time: String, _ data: String) {
        let json = #"{"specversion":"1.0","id":"\#(id)","source":"t","type":"\#(type)","time":"\#(time)","data":\#(data)}"#
        messages.append(IncomingMessage(topic: "in", partition: 0, offset: Int64(messages.count), key: nil, value: Array(json.utf8)))
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
