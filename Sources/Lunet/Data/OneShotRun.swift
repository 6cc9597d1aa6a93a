/// One run of the official Omniglot one-shot benchmark: one support image per
/// class and query images, each belonging to one of the support classes.
public struct OneShotRun: Sendable {
    /// `run01`, ...
    public let name: String
    /// `[S, 1, 105, 105]`, one image per class.
    public let support: Tensor<UInt8>
    /// `[Q, 1, 105, 105]`.
    public let query: Tensor<UInt8>
    /// For each query, the 0-based position of its class in `support`.
    public let answers: [Int]

    public init(name: String, support: Tensor<UInt8>, query: Tensor<UInt8>, answers: [Int]) {
        self.name = name
        self.support = support
        self.query = query
        self.answers = answers
    }
}
