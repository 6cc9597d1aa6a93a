import Foundation

/// Progress of a loop of rounds (epochs) made of steps (batches), for any
/// training loop. On a terminal (`bar`) one line is redrawn in place, at
/// most every `redrawInterval` seconds: round, steps done/total, running
/// values, items/s, time left. Elsewhere (`lines`: a pipe, a log, CI) one
/// plain line per round, never a carriage return. `silent` prints nothing.
///
/// ```
/// epoch 2/10 [=========>..........] 45/100  loss 0.5321  accuracy 0.8120  812 img/s  ETA 0:07
/// epoch 2/10  100/100  loss 0.5120  accuracy 0.8230  val_loss 0.6001  val_accuracy 0.7900  12.3 s  812 img/s
/// ```
public final class ProgressReporter {
    public enum Style: Sendable { case silent, bar, lines }

    public let style: Style
    /// `epoch`, `round`.
    public let unit: String
    /// `img/s`, `triplets/s`.
    public let rate: String
    public var redrawInterval = 0.1
    /// The terminal's width: a redrawn line longer than that would wrap, and
    /// `\r` would no longer return to its start, so it is cut to fit.
    public var width: Int?
    private let write: (String) -> Void
    private let clock: () -> Double
    private var round = 0, rounds = 0, steps = 0
    private var roundStart = 0.0, lastDraw = -Double.infinity

    /// - Parameters:
    ///   - write: where the text goes (standard output by default).
    ///   - clock: seconds, for tests.
    public init(style: Style, unit: String = "epoch", rate: String = "img/s",
                write: @escaping (String) -> Void = ProgressReporter.standardOutput,
                clock: @escaping () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        self.style = style
        self.unit = unit
        self.rate = rate
        self.write = write
        self.clock = clock
    }

    /// `bar` on a terminal, `lines` elsewhere; `verbose` 0 is silent, 2 always lines.
    public static func style(verbose: Int, terminal: Bool) -> Style {
        verbose <= 0 ? .silent : verbose == 1 && terminal ? .bar : .lines
    }

    public static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Starts round `index` (0-based) of `total`, made of `steps` steps.
    public func begin(_ index: Int, of total: Int, steps: Int) {
        round = index
        rounds = total
        self.steps = steps
        roundStart = clock()
        lastDraw = -.infinity
    }

    /// After each step: `done` steps and `items` items so far, the running values.
    public func step(_ done: Int, items: Int, values: [(name: String, value: Double)]) {
        guard style == .bar else { return }
        let now = clock()
        guard now - lastDraw >= redrawInterval || done == steps else { return }
        lastDraw = now
        let elapsed = now - roundStart
        let left = done > 0 ? elapsed / Double(done) * Double(steps - done) : 0
        var line = "\(title) \(bar(done)) \(done)/\(steps)"
        line += Self.format(values)
        line += "  \(Self.rate(items, elapsed)) \(rate)  ETA \(Self.duration(left))"
        if let width, width > 1, line.count >= width { line = String(line.prefix(width - 1)) }
        write("\r" + line + "\u{1B}[K")
    }

    /// Ends the round with its final values, its duration and throughput.
    public func end(values: [(name: String, value: Double)], seconds: Double, itemsPerSecond: Double) {
        guard style != .silent else { return }
        let line = "\(title)  \(steps)/\(steps)" + Self.format(values)
            + "  " + String(format: "%.1f s", seconds) + "  \(Int(itemsPerSecond.rounded())) \(rate)"
        finish(line)
    }

    /// Ends the current line (if a bar is drawn) and prints a note: a stop, a warning.
    public func note(_ text: String) {
        guard style != .silent else { return }
        finish(text)
    }

    private func finish(_ line: String) {
        write(style == .bar ? "\r" + line + "\u{1B}[K\n" : line + "\n")
    }

    private var title: String { "\(unit) \(round + 1)/\(rounds)" }

    private func bar(_ done: Int, width: Int = 20) -> String {
        let filled = steps > 0 ? min(width, done * width / steps) : width
        let head = filled < width && done > 0 ? ">" : ""
        let body = String(repeating: "=", count: max(0, filled - head.count)) + head
        return "[" + body + String(repeating: ".", count: width - body.count) + "]"
    }

    static func format(_ values: [(name: String, value: Double)]) -> String {
        values.map { "  \($0.name) " + String(format: "%.4f", $0.value) }.joined()
    }

    static func rate(_ items: Int, _ seconds: Double) -> String {
        seconds > 0 ? String(Int((Double(items) / seconds).rounded())) : "-"
    }

    /// `0:07`, `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
