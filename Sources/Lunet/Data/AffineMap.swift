import Foundation

/// A plane affine map in pixel coordinates (x the column, y the row, both
/// growing from the top-left pixel's centre): `x' = a x + b y + tx`,
/// `y' = c x + d y + ty`. Augmentation composes its distortions into one
/// map per image and warps the image by its inverse.
///
/// ```swift
/// let turn = AffineMap.rotation(degrees: 90, about: (x: 2, y: 2))
/// turn.apply((x: 4, y: 2))   // (2, 0): a quarter turn counter-clockwise on screen
/// ```
public struct AffineMap: Equatable, Sendable {
    public var a, b, c, d, tx, ty: Double

    public init(a: Double, b: Double, c: Double, d: Double, tx: Double = 0, ty: Double = 0) {
        (self.a, self.b, self.c, self.d, self.tx, self.ty) = (a, b, c, d, tx, ty)
    }

    public static let identity = AffineMap(a: 1, b: 0, c: 0, d: 1)

    public var isIdentity: Bool { self == .identity }

    public func apply(_ p: (x: Double, y: Double)) -> (x: Double, y: Double) {
        (a * p.x + b * p.y + tx, c * p.x + d * p.y + ty)
    }

    /// `self` after `first`: `(self * first)(p) = self(first(p))`.
    public func after(_ first: AffineMap) -> AffineMap {
        AffineMap(a: a * first.a + b * first.c, b: a * first.b + b * first.d,
                  c: c * first.a + d * first.c, d: c * first.b + d * first.d,
                  tx: a * first.tx + b * first.ty + tx, ty: c * first.tx + d * first.ty + ty)
    }

    /// The inverse map; nil when the linear part is singular.
    public var inverse: AffineMap? {
        let det = a * d - b * c
        guard det != 0, det.isFinite else { return nil }
        let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det)
        return AffineMap(a: ia, b: ib, c: ic, d: id, tx: -(ia * tx + ib * ty), ty: -(ic * tx + id * ty))
    }

    public static func translation(x: Double, y: Double) -> AffineMap {
        AffineMap(a: 1, b: 0, c: 0, d: 1, tx: x, ty: y)
    }

    /// The linear map `[[a, b], [c, d]]` applied about `centre` (which stays in place).
    public static func linear(a: Double, b: Double, c: Double, d: Double, about centre: (x: Double, y: Double)) -> AffineMap {
        translation(x: centre.x, y: centre.y)
            .after(AffineMap(a: a, b: b, c: c, d: d))
            .after(translation(x: -centre.x, y: -centre.y))
    }

    /// Counter-clockwise on screen for positive angles, as torchvision's
    /// `RandomAffine` turns (the y axis points down).
    public static func rotation(degrees: Double, about centre: (x: Double, y: Double)) -> AffineMap {
        let t = degrees * .pi / 180
        return linear(a: cos(t), b: sin(t), c: -sin(t), d: cos(t), about: centre)
    }

    /// Koch et al.'s shear `[[1, x], [y, 1]]`.
    public static func shear(x: Double, y: Double, about centre: (x: Double, y: Double)) -> AffineMap {
        linear(a: 1, b: x, c: y, d: 1, about: centre)
    }

    public static func scale(x: Double, y: Double, about centre: (x: Double, y: Double)) -> AffineMap {
        linear(a: x, b: 0, c: 0, d: y, about: centre)
    }

    /// The mirror image left to right of an image `width` pixels wide.
    public static func horizontalFlip(width: Int) -> AffineMap {
        AffineMap(a: -1, b: 0, c: 0, d: 1, tx: Double(width - 1))
    }
}
