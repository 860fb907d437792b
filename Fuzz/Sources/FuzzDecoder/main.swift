import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The fuzzer's `main`. SwiftPM gives every executable target its own `main`, so instead of
// libFuzzer's we hand the command line (libFuzzer's flags, corpus directories) to its driver,
// which calls `fuzzOneInput` once per generated input and exits with libFuzzer's status.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
