#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CreditCore

/// One libFuzzer input: decoded exactly as a Kafka message value would be, then checked
/// against the invariants, which trap (`fatalError`) when the decoder or the JSON layer
/// contradicts itself; libFuzzer reports the trap as a crash and saves the input.
/// Also exported as `LLVMFuzzerTestOneInput`, the name libFuzzer's tools expect.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
    DecoderInvariants(decoder: FuzzPolicy.decoder).check(bytes)
    if printsOutcomes {
        switch FuzzPolicy.decoder.decode(bytes) {
        case .success(let decoded): print("accepted \(decoded.event.type.rawValue) \(decoded.event.id)")
        case .failure(let error): print("rejected \(error)")
        }
    }
    return 0
}

/// `FUZZ_DECODER_PRINT=1`: print each input's outcome, to see what a corpus or a finding
/// decodes to (`fuzz-decoder -runs=0 corpus/`). Read once: the hot loop must not call getenv.
private let printsOutcomes = getenv("FUZZ_DECODER_PRINT").map { String(cString: $0) == "1" } ?? false
