extension PreparedRows {
    /// Codes `[N, D]` as the retrieval functions take them: a matrix with at
    /// least one row and one column, fewer than 2^32 rows (`RankingKey` keeps
    /// an index in 32 bits), and only finite values: a row holding NaN or an
    /// infinity is an error naming the row (its scores would be NaN, and NaN
    /// ranks last, so its query would be ranked by index alone).
    init(codes: Tensor<Float>, metric: DistanceMetric) throws {
        guard codes.rank == 2 else {
            throw LunetError("codes must be a matrix [N, D], got \(codes.summary)")
        }
        guard codes.shape[0] > 0, codes.shape[1] > 0 else {
            throw LunetError("codes must be a matrix [N, D] with at least one row and one column, got \(codes.summary)")
        }
        guard codes.shape[0] < Int(UInt32.max) else { throw LunetError("too many codes: \(codes.shape[0])") }
        self.init(codes, metric: metric)
        if let (row, value) = nonFinite {
            throw LunetError("codes row \(position: row) holds \(value.rawValue): codes must be finite to be ranked")
        }
    }
}
