#!/usr/bin/python3
"""Reference numbers for lunet's losses and optimizers, from PyTorch.

Run once with a Python that has torch (Debian's /usr/bin/python3 here has
torch 1.13); the printed Swift literals are pasted into
Tests/LunetTests/LossReferenceTests.swift and OptimizerReferenceTests.swift,
so the tests themselves need no Python.

    /usr/bin/python3 bench/reference/make_optim_references.py
"""
import torch

torch.set_printoptions(precision=10)


def swift(values):
    """A Swift array literal of float32 values, each printed to round-trip."""
    flat = torch.as_tensor(values, dtype=torch.float32).flatten().tolist()
    return "[" + ", ".join(repr(float(v)) for v in flat) + "]"


# Inputs shared with the Swift tests (written there as the same literals).
WEIGHT = [[0.5, -1.25, 2.0], [0.1, -0.3, 0.75]]
GRADIENTS = [
    [[0.2, -0.1, 0.05], [1.5, -0.4, 0.0]],
    [[-0.3, 0.25, 0.1], [0.02, 0.6, -0.2]],
    [[0.05, -0.05, -0.4], [-1.0, 0.1, 0.3]],
]
LOGITS = [[1.0, 2.0, 0.5, -1.0], [1000.0, 1001.0, 999.0, 1002.0], [-3.0, 0.0, 3.0, 0.25]]
TARGETS = [1, 3, 0]  # 0-based, as the engine takes them


def cross_entropy():
    logits = torch.tensor(LOGITS, dtype=torch.float32, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(TARGETS))
    loss.backward()
    print(f"// cross-entropy, mean over the batch\nloss: {loss.item()!r}\ngradient: {swift(logits.grad)}\n")


def run(name, make_optimizer):
    weight = torch.nn.Parameter(torch.tensor(WEIGHT, dtype=torch.float32))
    optimizer = make_optimizer([weight])
    print(f"// {name}")
    for step, gradient in enumerate(GRADIENTS, start=1):
        weight.grad = torch.tensor(gradient, dtype=torch.float32)
        optimizer.step()
        print(f"after step {step}: {swift(weight.detach())}")
    print()


if __name__ == "__main__":
    print(f"// torch {torch.__version__}\n")
    cross_entropy()
    run("Adam lr=0.01 weight_decay=0.1",
        lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1))
    run("Adam amsgrad lr=0.01 betas=(0.9, 0.99) eps=1e-6",
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.99), eps=1e-6, amsgrad=True))
    run("SGD lr=0.1 momentum=0.9 weight_decay=0.01",
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01))
    run("SGD lr=0.1 momentum=0.9 nesterov",
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True))
    run("SGD lr=0.1 plain",
        lambda p: torch.optim.SGD(p, lr=0.1))
