import Foundation

/// The triplet loss `max(d(a, p) - d(a, n) + margin, 0)` over rows of anchor,
/// positive and negative embeddings, averaged over the batch. The distance is
/// the squared Euclidean one (FaceNet's, as the assignment uses it) or the plain one
/// (`TripletLoss.distances`), summed directly per row (`PairwiseDistances.paired`);
/// a row holding NaN gives a NaN distance.
///
/// ```swift
/// let criterion = try TripletLoss(margin: 0.2, distance: .squared)
/// let (loss, active) = try criterion.forward(a, p, n)   // active: fraction with loss > 0
/// ```
public final class TripletLoss {
    /// The metrics a triplet loss can use.
    public static let distances: [DistanceMetric] = [.squared, .euclidean]
    public static let marginOption = OptionDeclaration("margin", .number(.nonNegative), default: .double(0.2))
    public static let distanceOption = OptionDeclaration("distance", .choice(distances.map(\.rawValue)), default: .string("squared"),
                                                         doc: "'squared' (FaceNet's) or 'euclidean'")
    public static let declaration = Declaration("TripletLoss", options: [marginOption, distanceOption],
                                                doc: "Triplet loss max(d(a,p) - d(a,n) + margin, 0), mean over the batch.")

    public let margin: Float
    public let distance: DistanceMetric

    /// Below this Euclidean distance the gradient of `d` is taken as zero (its
    /// subgradient at 0), so identical embeddings do not divide by zero.
    static let euclideanFloor = 1e-12

    /// `margin` and `distance` checked by `declaration` (other options may be there too: a fit's).
    public init(options: OptionValues) throws {
        margin = try options.float("margin")
        distance = DistanceMetric(rawValue: try options.string("distance"))!
    }

    public convenience init(margin: Float = 0.2, distance: DistanceMetric = .squared) throws {
        try self.init(options: Self.declaration.check(configuration: ["margin": .double(Double(margin)), "distance": .string(distance.rawValue)]))
    }

    public var subject: Subject {
        Subject(Self.declaration.name, detail: .options([.init("margin", .number(margin)), .init("distance", .string(distance.rawValue))]))
    }

    /// The mean loss and the fraction of triplets whose loss is above zero
    /// (both NaN when a distance is NaN).
    public func forward(_ anchor: Tensor<Float>, _ positive: Tensor<Float>, _ negative: Tensor<Float>) throws
        -> (loss: Float, activeFraction: Float) {
        mean(try perTriplet(anchor, positive, negative))
    }

    /// Gradients of the mean loss with respect to anchor, positive and negative.
    public func backward(_ anchor: Tensor<Float>, _ positive: Tensor<Float>, _ negative: Tensor<Float>) throws
        -> (anchor: Tensor<Float>, positive: Tensor<Float>, negative: Tensor<Float>) {
        try gradients(anchor, positive, negative, try perTriplet(anchor, positive, negative))
    }

    /// For a network run once over a stacked batch `[a; p; n]` of `3B` rows:
    /// the mean loss, the active fraction and the gradient for the stack.
    public func lossAndGradient(stacked embeddings: Tensor<Float>) throws
        -> (loss: Float, activeFraction: Float, gradient: Tensor<Float>) {
        let (value, gradient) = try lossAndGradient(batch: embeddings, labels: nil)
        return (value.loss, value.statistics[0], gradient)
    }

    private typealias Term = (positiveDistance: Double, negativeDistance: Double, loss: Double)

    /// A NaN term (a NaN or infinite distance) makes the mean and the active
    /// fraction NaN, as PyTorch's `clamp_min` lets NaN through: a diverged
    /// network shows as a NaN loss, never as a smaller one.
    private func mean(_ terms: [Term]) -> (loss: Float, activeFraction: Float) {
        var total = 0.0, active = 0
        for term in terms where !(term.loss <= 0) {
            total += term.loss
            active += 1
        }
        let fraction = total.isNaN ? Float.nan : Float(active) / Float(terms.count)
        return (Float(total / Double(terms.count)), fraction)
    }

    private func gradients(_ anchor: Tensor<Float>, _ positive: Tensor<Float>, _ negative: Tensor<Float>, _ terms: [Term]) throws
        -> (anchor: Tensor<Float>, positive: Tensor<Float>, negative: Tensor<Float>) {
        let (batch, width) = (anchor.shape[0], anchor.shape[1])
        var ga = try Tensor<Float>.zeros(anchor.shape), gp = ga, gn = ga
        anchor.withUnsafeBufferPointer { a in
            positive.withUnsafeBufferPointer { p in
                negative.withUnsafeBufferPointer { n in
                    ga.withUnsafeMutableBufferPointer { da in
                        gp.withUnsafeMutableBufferPointer { dp in
                            gn.withUnsafeMutableBufferPointer { dn in
                                for (row, term) in terms.enumerated() where !(term.loss <= 0) {
                                    // d/da d(a, x) = s * (a - x): s = 2 when squared, 1 / d(a, x) when plain.
                                    // A NaN term passes a zero gradient, as clamp_min's backward
                                    // does, so NaN only where a - x is not finite (as in PyTorch).
                                    let weight: Float = term.loss.isNaN ? 0 : 1 / Float(batch)
                                    let sp = scale(term.positiveDistance) * weight
                                    let sn = scale(term.negativeDistance) * weight
                                    for j in row * width..<(row + 1) * width {
                                        let toPositive = sp * (a[j] - p[j]), toNegative = sn * (a[j] - n[j])
                                        da[j] = toPositive - toNegative
                                        dp[j] = -toPositive
                                        dn[j] = toNegative
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (ga, gp, gn)
    }

    /// The factor `s` of `d/da d(a, x) = s * (a - x)` at distance `d`.
    private func scale(_ d: Double) -> Float {
        distance == .squared ? 2 : d > TripletLoss.euclideanFloor ? Float(1 / d) : 0
    }

    /// Per row: both distances and the hinge loss.
    private func perTriplet(_ anchor: Tensor<Float>, _ positive: Tensor<Float>, _ negative: Tensor<Float>) throws -> [Term] {
        guard anchor.rank == 2, anchor.shape[0] > 0 else {
            throw LunetError("\(subject: subject): embeddings must be a non-empty batch x features matrix, got \(anchor.summary)")
        }
        guard positive.shape == anchor.shape, negative.shape == anchor.shape else {
            throw LunetError("\(subject: subject): anchor, positive and negative must have one shape, got \(formatShape(anchor.shape)), \(formatShape(positive.shape)) and \(formatShape(negative.shape))")
        }
        let toPositive = try PairwiseDistances.paired(anchor, positive, metric: distance)
        let toNegative = try PairwiseDistances.paired(anchor, negative, metric: distance)
        return zip(toPositive, toNegative).map { dp, dn in (dp, dn, Swift.max(dp - dn + Double(margin), 0)) }
    }
}

extension TripletLoss: Loss {
    public var inputCount: Int { 3 }
    public var usesLabels: Bool { false }
    public var statisticNames: [String] { ["activeFraction"] }

    public func loss(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> LossValue {
        try checkArity(inputs, labels: labels)
        let (loss, active) = try forward(inputs[0], inputs[1], inputs[2])
        return LossValue(loss: loss, statistics: [active])
    }

    public func gradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws -> [Tensor<Float>] {
        try checkArity(inputs, labels: labels)
        let (da, dp, dn) = try backward(inputs[0], inputs[1], inputs[2])
        return [da, dp, dn]
    }

    /// One pass over the triplets for both.
    public func lossAndGradient(_ inputs: [Tensor<Float>], labels: Tensor<Int32>?) throws
        -> (value: LossValue, gradients: [Tensor<Float>]) {
        try checkArity(inputs, labels: labels)
        let terms = try perTriplet(inputs[0], inputs[1], inputs[2])
        let (loss, active) = mean(terms)
        let (da, dp, dn) = try gradients(inputs[0], inputs[1], inputs[2], terms)
        return (LossValue(loss: loss, statistics: [active]), [da, dp, dn])
    }
}
