/// What the training loop measures after each epoch, in evaluation mode:
/// `val_loss` and metrics on a labelled set (`LabeledValidation`), one-shot
/// accuracy and the triplet loss on a set of other classes (`TripletValidation`).
public protocol Validation: AnyObject {
    /// The values it logs, in order (`val_loss`, `val_accuracy`).
    var names: [String] { get }
    /// What the best epoch is chosen by when early stopping names nothing.
    var defaultMonitor: String { get }
    /// Before training: the set's images against the training set's
    /// (`trainingImageShape`) and the model; setup under MPI.
    func prepare(model: Module, trainingImageShape: [Int], parallel: DataParallel?) throws
    /// The values after an epoch; every rank gets the same.
    func evaluate(_ model: Module) throws -> [(name: String, value: Double)]
}

extension Validation {
    /// Checks that a validation set's images have the training set's shape.
    static func checkImages(_ shape: [Int], trainingImageShape: [Int]) throws {
        guard shape == trainingImageShape else {
            throw LunetError("validation set: its images are \(formatShape(shape)), the training set's \(formatShape(trainingImageShape))")
        }
    }
}
