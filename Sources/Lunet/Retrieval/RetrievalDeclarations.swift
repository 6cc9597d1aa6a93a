/// The options of the retrieval functions, declared once: the front end
/// parses by them and prints them as help.
public enum RetrievalDeclarations {
    static let metric = OptionDeclaration("metric", .choice(NeighborSearch.metrics.map(\.rawValue)), default: .string("cosine"),
                                          doc: "how codes are compared (euclidean ranks by distance, the others by similarity)")
    static let atR = OptionDeclaration("atR", .boolean, default: .bool(false), doc: "MAP@R: precision over the first R results only, R the query's relevant count")
    static let queries = OptionDeclaration("queries", .positions, defaultText: "all",
                                           doc: "the queries: a count n (the first n), or a list or Int32 vector of indices")

    public static let codes = Declaration("NeuralCodes.extract", options: [
        OptionDeclaration("batch", .integer(1...Int.max), default: .int(100), doc: "images a forward pass"),
    ], doc: """
        The outputs of the named layers for every image of set, in evaluation mode (the model's mode is restored): \
        a table name -> Float32 [N, D], flattened.
        """)

    public static let search = Declaration("NeighborSearch", options: [
        queries,
        OptionDeclaration("k", .integer(1...Int.max), default: .int(5)),
        OptionDeclaration("excludeSelf", .boolean, default: .bool(true), doc: "a query's own code is not among its results"),
        metric,
    ], doc: """
        The k nearest codes to each query, best first, ties to the lower index: {indices = Int32 [q, k], \
        scores = Float32 [q, k] (similarity, or distance for euclidean), queries = Int32 [q]}.
        """)

    public static let averagePrecision = Declaration("AveragePrecision.perQuery", options: [queries, metric, atR], doc: """
        Average precision of each query against every other code (relevant = same label; ties to the lower index): \
        a list of numbers, NaN where no other code has the query's label.
        """)

    public static let meanAveragePrecision = Declaration("MeanAveragePrecision", options: [metric, atR], doc: """
        Mean average precision, every code a query against all the others (queries whose label no other code has are \
        left out). Uses the symmetry of the similarity matrix: about half a full product.
        """)

    public static let precisionAt = Declaration("AveragePrecision.precisionAt", options: [metric],
                                                doc: "Mean over every code of the fraction of its k nearest other codes with its label.")

    public static let figure = Declaration("RetrievalFigure", options: [
        OptionDeclaration("queries", .positions, defaultText: "all", doc: "rows of the result: a count n (the first n) or a list of rows"),
        OptionDeclaration("classNames", .boolean, default: .bool(true), doc: "each row starts with the query's class name"),
    ], doc: """
        Writes a PNG (atomically): one row per query of a retrieval.search result over set's images, the query then \
        its results, framed green when the label matches the query's and red otherwise.
        """)

    /// The checked `metric` option.
    public static func metric(_ options: OptionValues) throws -> DistanceMetric {
        DistanceMetric(rawValue: try options.string("metric"))!
    }
}
