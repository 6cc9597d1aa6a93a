extension PreparedRows {
    /// Codes `[N, D]` as the retrieval functions take them: a matrix with
    /// fewer than 2^32 rows (`RankingKey` keeps an index in 32 bits).
    init(codes: Tensor<Float>, metric: DistanceMetric) throws {
        guard codes.rank == 2 else {
            throw LunetError("codes must be a matrix [N, D], got \(codes.summary)")
        }
        guard codes.shape[0] < Int(UInt32.max) else { throw LunetError("too many codes: \(codes.shape[0])") }
        self.init(codes, metric: metric)
    }
}
