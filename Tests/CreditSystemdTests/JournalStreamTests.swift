import CreditSystemd
import Foundation
import Logging
import Testing

@Suite struct JournalStreamTests {
    @Test func parsesDeviceAndInode() {
        #expect(JournalStream(environmentValue: "8:1234567") == JournalStream(device: 8, inode: 1_234_567))
        #expect(JournalStream(environmentValue: "") == nil)
        #expect(JournalStream(environmentValue: "8") == nil)
        #expect(JournalStream(environmentValue: "8:x") == nil)
        #expect(JournalStream(environmentValue: "8:1:2") == nil)
    }

    @Test func matchesOnlyTheDescriptorItNames() throws {
        let directory = try TemporaryDirectory()
        let first = open(directory.path + "/a", O_CREAT | O_RDWR, 0o600)
        let second = open(directory.path + "/b", O_CREAT | O_RDWR, 0o600)
        defer { close(first); close(second) }
        var info = stat()
        try #require(fstat(first, &info) == 0)
        let stream = JournalStream(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        #expect(stream.matches(fileDescriptor: first))
        #expect(!stream.matches(fileDescriptor: second))
        #expect(!stream.matches(fileDescriptor: -1))
    }

    @Test func handlerChoiceFollowsTheDestination() {
        let gate = LogRateGate(configuration: .routine)
        #expect(CreditLogging.makeHandler(label: "l", level: .info, destination: .journal, gate: gate)
            is RateLimitedLogHandler<JournalLogHandler>)
        #expect(CreditLogging.makeHandler(label: "l", level: .info, destination: .standardError, gate: gate)
            is RateLimitedLogHandler<StderrLogHandler>)
        let plain = CreditLogging.makeHandler(label: "l", level: .debug, destination: .standardError, gate: nil)
        #expect(plain is StderrLogHandler)
        #expect(plain.logLevel == .debug)
    }
}
