/// The admin API's routes. Kept as data (not closures) so the route table, the decoder and the
/// tests agree on one list.
enum AdminRoute: Sendable, Equatable, CaseIterable {
    case releaseOrder
    case setLimit
    case clearLimit
    case blockCustomer
    case unblockCustomer
    case rescoreCustomer
    case completeReview
    case importBureauReports
    case showCustomer
    case retryRefusedOutbox
}
