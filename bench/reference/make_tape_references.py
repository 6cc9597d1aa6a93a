"""Reference gradients for lunet's recorded expressions (Tests/LunetTests/TapeReferenceTests.swift).

Float64 PyTorch autograd on fixed inputs; the Swift test runs the same
expressions on the tape in Float32 and compares to 1e-5 relative.
Run: /usr/bin/python3 bench/reference/make_tape_references.py
"""
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=10)
a0 = [[0.3, -1.2, 0.8, 0.1], [1.5, -0.4, -0.7, 0.9], [-0.2, 0.6, 1.1, -1.3]]
b0 = [[0.5, -1.0, 2.0, 0.25]]
w0 = [[0.2, -0.5], [0.7, 0.1], [-0.3, 0.4], [0.9, -0.8]]


def leaf(v):
    return torch.tensor(v, dtype=torch.float64, requires_grad=True)


def show(name, t):
    print(f"{name}: [" + ", ".join(repr(round(v, 12)) for v in t.flatten().tolist()) + "]")


# 1: broadcasting, division, abs, matmul, logSoftmax, pow, mean.
a, b, w = leaf(a0), leaf(b0), leaf(w0)
loss = (F.log_softmax((a * b + a / (b.abs() + 1)) @ w, dim=1) ** 2).mean()
loss.backward()
print("expression 1 loss", repr(loss.item()))
show("  da", a.grad); show("  db", b.grad); show("  dw", w.grad)

# 2: normalize, softmax along dim 1 of the transpose, max along dim, clamp, exp, sqrt, sum.
a = leaf(a0)
loss = (F.normalize(a, dim=1) * torch.softmax(a.t(), dim=1).t()).sum() \
    + a.max(dim=1).values.sum() + a.clamp(-0.5, 0.5).exp().sqrt().sum() - a.min() * 0.5
loss.backward()
print("expression 2 loss", repr(loss.item()))
show("  da", a.grad)

# 3: index (repeated rows), cat, narrow, stack, sigmoid, tanh, relu, sum along dim, reshape.
a = leaf(a0)
joined = torch.cat([a[[2, 0, 2]], a.narrow(1, 1, 2).reshape(3, 2).repeat(1, 2)], dim=0)
stacked = torch.stack([joined.sigmoid(), joined.tanh(), joined.relu()])
loss = (stacked.sum(dim=2) * torch.arange(1, 7, dtype=torch.float64)).sum()
loss.backward()
print("expression 3 loss", repr(loss.item()))
show("  da", a.grad)
