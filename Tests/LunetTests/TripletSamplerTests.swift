import Lunet
import XCTest

/// The built-in samplers on real Omniglot: their invariants, and for the
/// mining ones the chosen images against a brute-force search over the same
/// embeddings.
final class TripletSamplerTests: XCTestCase {
    func context(classes: Int = 12, seed: UInt64 = 7) throws -> (TripletContext, Tensor<Float>) {
        let dataset = try TripletFixtures.characters(classes)
        let net = try TripletFixtures.network()
        let context = try TripletContext(dataset: dataset, embedding: .network(net), seed: seed)
        // Embeddings of every image, as the brute force sees them.
        let all = try EmbeddingFunction.network(net).embedAll(dataset.images)
        return (context, all)
    }

    func testRandomFollowsTheSpecAndIsSeeded() throws {
        let (context, _) = try context()
        context.begin(step: 1)
        let triplets = try RandomTripletSampler().sample(context, count: 64)
        XCTAssertEqual(triplets.count, 64)
        XCTAssertNoThrow(try triplets.validate(against: context.dataset, owner: Subject("test")))
        XCTAssertEqual(context.embeddedThisStep, 0, "random selection embeds nothing")
        let (again, _) = try self.context()
        XCTAssertEqual(try RandomTripletSampler().sample(again, count: 64), triplets)
        // Negatives are random images, not always one position of their class.
        XCTAssertGreaterThan(Set(triplets.negatives.map { $0 % 20 }).count, 5)
    }

    func testHardestNegativeIsTheNearestImageOfItsClass() throws {
        let (context, all) = try context()
        context.begin(step: 1)
        let triplets = try HardestNegativeSampler().sample(context, count: 32)
        XCTAssertNoThrow(try triplets.validate(against: context.dataset, owner: Subject("test")))
        var negativeClasses = Set<Int>()
        for t in 0..<triplets.count {
            let (a, n) = (triplets.anchors[t], triplets.negatives[t])
            let negativeClass = context.dataset.label(n)
            negativeClasses.insert(negativeClass)
            let best = context.members[negativeClass].map { TripletFixtures.squaredDistance(all, a, $0) }.min()!
            XCTAssertEqual(TripletFixtures.squaredDistance(all, a, n), best, accuracy: 1e-5 * max(best, 1), "triplet \(t + 1)")
        }
        // One batched pass: each anchor and each image of each negative class once.
        let distinct = Set(triplets.anchors + negativeClasses.flatMap { context.members[$0] })
        XCTAssertEqual(context.embeddedThisStep, distinct.count)
    }

    func testHardestDrawsAnchorsAsRandomDoes() throws {
        let (first, _) = try context(), (second, _) = try context()
        let random = try RandomTripletSampler().sample(first, count: 16)
        let hardest = try HardestNegativeSampler().sample(second, count: 16)
        XCTAssertEqual(random.anchors, hardest.anchors)
        XCTAssertEqual(random.positives, hardest.positives)
    }

    func testSemiHardNegativeLiesInTheBandOrFallsBackToTheHardest() throws {
        let (context, all) = try context()
        context.begin(step: 1)
        let margin: Float = 0.5
        let triplets = try SemiHardSampler(margin: margin).sample(context, count: 48)
        XCTAssertNoThrow(try triplets.validate(against: context.dataset, owner: Subject("test")))
        var inBand = 0
        for t in 0..<triplets.count {
            let (a, p, n) = (triplets.anchors[t], triplets.positives[t], triplets.negatives[t])
            let positive = TripletFixtures.squaredDistance(all, a, p)
            let candidates = context.members[context.dataset.label(n)].map { TripletFixtures.squaredDistance(all, a, $0) }
            let band = candidates.filter { $0 > positive && $0 < positive + Double(margin) }
            let expected = (band.isEmpty ? candidates : band).min()!
            if !band.isEmpty { inBand += 1 }
            XCTAssertEqual(TripletFixtures.squaredDistance(all, a, n), expected, accuracy: 1e-5 * max(expected, 1), "triplet \(t + 1)")
        }
        XCTAssertGreaterThan(inBand, 0, "some negatives are semi-hard")
    }

    func testBatchHardPairsEachAnchorWithTheHardestInTheBatch() throws {
        let (context, all) = try context()
        context.begin(step: 1)
        let sampler = try BatchHardSampler(classes: 4, perClass: 5)
        let triplets = try sampler.sample(context, count: 20)
        XCTAssertEqual(triplets.count, 20)
        XCTAssertNoThrow(try triplets.validate(against: context.dataset, owner: Subject("test")))
        let batch = triplets.anchors
        XCTAssertEqual(Set(batch).count, 20)
        XCTAssertEqual(Set(batch.map(context.dataset.label)).count, 4)
        for t in 0..<triplets.count {
            let a = batch[t], label = context.dataset.label(a)
            let same = batch.filter { $0 != a && context.dataset.label($0) == label }
            let other = batch.filter { context.dataset.label($0) != label }
            let farthest = same.map { TripletFixtures.squaredDistance(all, a, $0) }.max()!
            let nearest = other.map { TripletFixtures.squaredDistance(all, a, $0) }.min()!
            XCTAssertEqual(TripletFixtures.squaredDistance(all, a, triplets.positives[t]), farthest, accuracy: 1e-5 * max(farthest, 1))
            XCTAssertEqual(TripletFixtures.squaredDistance(all, a, triplets.negatives[t]), nearest, accuracy: 1e-5 * max(nearest, 1))
        }
    }

    func testRefreshMinesFromEmbeddingsOfTheWholeSetComputedEveryNSteps() throws {
        let (context, all) = try context()
        let sampler = try HardestNegativeSampler(refresh: 3)
        var embedded: [Int] = []
        for step in 1...4 {
            context.begin(step: step)
            let triplets = try sampler.sample(context, count: 8)
            embedded.append(context.embeddedThisStep)
            for t in 0..<triplets.count {
                let (a, n) = (triplets.anchors[t], triplets.negatives[t])
                let best = context.members[context.dataset.label(n)].map { TripletFixtures.squaredDistance(all, a, $0) }.min()!
                XCTAssertEqual(TripletFixtures.squaredDistance(all, a, n), best, accuracy: 1e-5 * max(best, 1))
            }
        }
        XCTAssertEqual(embedded, [240, 0, 0, 240])
        // The same sampler in a new run (a fresh network) does not reuse the old embeddings.
        let (next, _) = try self.context(seed: 8)
        next.begin(step: 1)
        _ = try sampler.sample(next, count: 8)
        XCTAssertEqual(next.embeddedThisStep, 240)
    }

    func testValidationNamesTheFirstBadTriplet() throws {
        let dataset = try TripletFixtures.characters(3)
        func message(_ a: [Int], _ p: [Int], _ n: [Int]) -> String? {
            do {
                try TripletIndices(anchors: a, positives: p, negatives: n).validate(against: dataset, owner: Subject("sampler"))
                return nil
            } catch { return (error as? LunetError)?.message }
        }
        XCTAssertNil(message([0, 20], [1, 21], [40, 0]))
        XCTAssertEqual(message([0], [1, 2], [40]), "sampler: anchors, positives and negatives must have one length, got 1, 2 and 1")
        XCTAssertEqual(message([], [], []), "sampler: no triplets (empty anchors, positives and negatives)")
        XCTAssertEqual(message([0, 0], [1, 1], [40, 60]), "sampler: triplet 1: negative 60 out of range for a dataset of 60 images")
        XCTAssertEqual(message([0, 0], [1, 0], [40, 40]), "sampler: triplet 1: anchor and positive are the same image (0)")
        XCTAssertEqual(message([0], [21], [40]), "sampler: triplet 0: anchor 0 (class 0) and positive 21 (class 1) are of different classes")
        XCTAssertEqual(message([0], [1], [2]), "sampler: triplet 0: negative 2 is of the anchor's class 0")
    }

    func testPairwiseDistancesMatchThePlainSum() throws {
        var generator = RandomGenerator(seed: 5)
        let a = try Tensor<Float>.randn([5, 7], generator: &generator), b = try Tensor<Float>.randn([4, 7], generator: &generator)
        let d = try PairwiseDistances.squared(a, b)
        XCTAssertEqual(d.shape, [5, 4])
        let both = try Tensor.concatenate([a, b], dimension: 0)
        for i in 0..<5 {
            for j in 0..<4 {
                XCTAssertEqual(Double(try d.value(at: [i, j])), TripletFixtures.squaredDistance(both, i, 5 + j), accuracy: 1e-4)
            }
        }
    }
}
