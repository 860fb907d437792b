import Testing

/// Tests that play systemd's or journald's side of a socket. They change process-wide state (the
/// environment libsystemd reads) or start helper processes, so they run one at a time.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum ProtocolPeerTests {}
