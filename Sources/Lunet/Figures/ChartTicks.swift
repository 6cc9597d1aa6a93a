import Foundation

/// Round tick values for a chart axis ("nice numbers", Heckbert 1990): steps of
/// 1, 2 or 5 times a power of ten, covering the data's range.
///
/// ```swift
/// ChartTicks(low: 0.37, high: 0.81).values   // [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
/// ```
public struct ChartTicks: Equatable {
    public let step: Double
    /// The ticks from the first at or below the data's low end to the first at or above its high end.
    public let values: [Double]

    /// `integral`: the data are counts (epochs, rounds), so no step below 1.
    public init(low: Double, high: Double, count: Int = 6, integral: Bool = false) {
        var (low, high) = (Swift.min(low, high), Swift.max(low, high))
        if high - low < 1e-12 * Swift.max(1, abs(high)) {  // one value: a unit around it
            let pad = integral ? 1 : low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(Swift.max(count - 1, 1))
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        var step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
        if integral { step = Swift.max(step, 1) }
        let first = floor(low / step + 1e-9), last = ceil(high / step - 1e-9)
        self.step = step
        // Rounded so 0.1 * 3 prints and compares as 0.3.
        values = stride(from: first, through: last, by: 1).map { Double(String(format: "%.12g", $0 * step))! }
    }

    /// A tick's label: as many decimals as the step needs, no more.
    public func label(_ value: Double) -> String {
        let decimals = Swift.max(0, -Int(floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", value == 0 ? 0 : value)
    }
}
