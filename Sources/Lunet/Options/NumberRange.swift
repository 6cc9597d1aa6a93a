/// The numbers an option accepts (a layer's, an optimizer's, a tensor
/// constructor's); NaN and infinities never. One vocabulary for every range
/// check, so messages read alike: `optim.SGD: momentum must be in [0, 1), got 2`.
public enum NumberRange: Sendable {
    case finite, nonNegative, positive
    /// `[0, 1]`
    case unit
    /// `[0, 1)`
    case probability

    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        switch self {
        case .finite: return true
        case .nonNegative: return x >= 0
        case .positive: return x > 0
        case .unit: return x >= 0 && x <= 1
        case .probability: return x >= 0 && x < 1
        }
    }

    /// What follows "must be" in a message.
    public var requirement: String {
        switch self {
        case .finite: "a finite number"
        case .nonNegative: "a non-negative number"
        case .positive: "positive"
        case .unit: "in [0, 1]"
        case .probability: "in [0, 1)"
        }
    }

    /// `l2 >= 0`, as `help` lists a range; nil for `finite`.
    public func rangeText(_ name: String) -> String? {
        switch self {
        case .finite: nil
        case .nonNegative: "\(name) >= 0"
        case .positive: "\(name) > 0"
        case .unit: "\(name) in [0, 1]"
        case .probability: "\(name) in [0, 1)"
        }
    }
}
