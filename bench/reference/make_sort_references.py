"""Reference values for lunet's sort and topk with NaN (Tests/LunetTests/SortReferenceTests.swift).

NumPy and PyTorch order NaN above every number: last in an ascending sort,
first in a descending one, and topk (largest) takes NaN first.
Run: /usr/bin/python3 bench/reference/make_sort_references.py
"""
import math
import torch

rows = [
    [3.0, math.nan, 1.0, 2.0],
    [math.nan, -math.inf, 0.5, math.nan, math.inf, -1.0],
]


def show(t):
    return "[" + ", ".join("nan" if math.isnan(v) else repr(v) for v in t.tolist()) + "]"


for row in rows:
    x = torch.tensor(row, dtype=torch.float32)
    print("input", show(x))
    for descending in (False, True):
        v, i = torch.sort(x, descending=descending, stable=True)
        print(f"  sort descending={descending}: values {show(v)} indices {(i + 1).tolist()}")
    for largest in (True, False):
        v, i = torch.topk(x, 3, largest=largest, sorted=True)
        print(f"  topk 3 largest={largest}: values {show(v)} indices {(i + 1).tolist()}")
import numpy
print("numpy sort", numpy.sort(numpy.array(rows[1], dtype=numpy.float32)).tolist(), (numpy.argsort(numpy.array(rows[1], dtype=numpy.float32), kind="stable") + 1).tolist())
