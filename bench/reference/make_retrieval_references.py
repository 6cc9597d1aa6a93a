"""Reference values for lunet's retrieval metrics (Tests/LunetTests/RetrievalMetricTests.swift).

Run: /usr/bin/python3 bench/reference/make_retrieval_references.py

Every code is a query against all the others; an item is relevant when it has
the query's label. Scores are inner products ("dot") or negative squared
Euclidean distances of small integer codes, exact in Float32 as in float64.

- Case A has no tied scores within any query, so lunet must match scikit-learn's
  average_precision_score exactly (it is checked below that the independent
  implementation agrees with sklearn).
- Case B has ties (duplicate codes under different labels). scikit-learn puts
  tied scores at one threshold; lunet breaks ties by the lower index. The values
  for B follow lunet's rule, computed here independently (sklearn's values are
  printed beside them for the record).
"""
import numpy as np
from sklearn.metrics import average_precision_score

LABELS_A = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4]  # classes of 5, 3, 2, 1, 1 (3 and 4 have no relevant item)


def scores(codes, metric):
    gram = codes @ codes.T
    if metric == "dot":
        return gram
    sq = np.diag(gram)
    return -(sq[:, None] + sq[None, :] - 2 * gram)


def ranking(row, query):
    """Other items best first: higher score, then lower index."""
    others = [j for j in range(len(row)) if j != query]
    return sorted(others, key=lambda j: (-row[j], j))


def ap_lunet(row, labels, query, at_r=False):
    order = ranking(row, query)
    relevant = [labels[j] == labels[query] for j in order]
    r = sum(relevant)
    if r == 0:
        return float("nan")
    hits, total = 0, 0.0
    for rank, rel in enumerate(relevant, start=1):
        if rel:
            hits += 1
            if not at_r or rank <= r:
                total += hits / rank
    return total / r


def ap_sklearn(row, labels, query):
    others = [j for j in range(len(row)) if j != query]
    truth = np.array([labels[j] == labels[query] for j in others])
    if not truth.any():
        return float("nan")
    return average_precision_score(truth, row[others])


def precision_at(s, labels, k):
    n = len(labels)
    return np.mean([np.mean([labels[j] == labels[q] for j in ranking(s[q], q)[:k]]) for q in range(n)])


def has_ties(s):
    return any(len(set(np.delete(s[q], q))) < len(s) - 1 for q in range(len(s)))


def tie_free_codes():
    """The first seeded integer codes whose scores have no ties for either metric."""
    seed = 0
    while True:
        codes = np.random.default_rng(seed).integers(-9, 10, size=(len(LABELS_A), 4)).astype(np.float64)
        if not has_ties(scores(codes, "dot")) and not has_ties(scores(codes, "euclidean")):
            return seed, codes
        seed += 1


def report(name, codes, labels, check_sklearn):
    print(f"// {name}: codes {codes.astype(int).tolist()}")
    print(f"//   labels {labels}")
    for metric in ["dot", "euclidean"]:
        s = scores(codes, metric)
        aps = [ap_lunet(s[q], labels, q) for q in range(len(labels))]
        sk = [ap_sklearn(s[q], labels, q) for q in range(len(labels))]
        if check_sklearn:
            assert np.allclose(aps, sk, equal_nan=True), (aps, sk)
        at_r = [ap_lunet(s[q], labels, q, at_r=True) for q in range(len(labels))]
        print(f"{metric} AP       {[round(v, 12) for v in aps]}")
        if not check_sklearn:
            print(f"{metric} sklearn  {[round(v, 12) for v in sk]}  (ties at one threshold)")
        print(f"{metric} mAP      {np.nanmean(aps):.12f}")
        print(f"{metric} mAP@R    {np.nanmean(at_r):.12f}")
        print(f"{metric} P@1 P@3  {precision_at(s, labels, 1):.12f} {precision_at(s, labels, 3):.12f}")


seed, codes_a = tie_free_codes()
print(f"case A (seed {seed}, tie-free, equal to sklearn)")
report("A", codes_a, LABELS_A, check_sklearn=True)

# Case B: items 0-1 share one code but differ in label, as do 2-4; 5 is alone.
codes_b = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [1, 1], [2, 0], [0, 2]], dtype=np.float64)
labels_b = [0, 1, 0, 1, 1, 0, 1, 0]
print("case B (ties broken by lower index)")
report("B", codes_b, labels_b, check_sklearn=False)
