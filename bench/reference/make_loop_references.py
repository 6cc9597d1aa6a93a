#!/usr/bin/python3
"""Reference numbers for the training loop's pieces, from PyTorch 1.13:
the triplet loss through a NaN distance (clamp_min lets it through) and the
learning-rate schedules StepLR and CosineAnnealingLR, epoch by epoch.

    /usr/bin/python3 bench/reference/make_loop_references.py > bench/reference/loop_references.txt

The printed Swift literals are pasted into Tests/LunetTests/TripletLossTests.swift
and LearningRateScheduleTests.swift, so the tests need no Python.
"""
import math

import torch


def swift(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


print("// torch", torch.__version__)
print()
print("// triplet loss, margin 0.2, squared distances, anchor row 1 has a NaN")
a = torch.tensor([[float("nan"), 0.0], [1.0, 0.0]], requires_grad=True)
p = torch.zeros(2, 2, requires_grad=True)
n = torch.ones(2, 2, requires_grad=True)
loss = torch.clamp_min(((a - p) ** 2).sum(1) - ((a - n) ** 2).sum(1) + 0.2, 0).mean()
loss.backward()
print("loss:", loss.item())
print("anchor gradient:", swift(a.grad.flatten()))
print("positive gradient:", swift(p.grad.flatten()))
print("negative gradient:", swift(n.grad.flatten()))


def schedule(make, epochs):
    """The rate each epoch trains with: scheduler.step() after every epoch."""
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = make(optimizer)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


print()
print("// StepLR(step_size=3, gamma=0.5), lr 0.1, epochs 1..10")
print("step:", swift(schedule(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10)))
print("// CosineAnnealingLR(T_max=4, eta_min=0.01), lr 0.1, epochs 1..12 (past T_max it rises again)")
print("cosine:", swift(schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01), 12)))
print("// CosineAnnealingLR(T_max=5), lr 0.1, epochs 1..6")
print("cosine0:", swift(schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5), 6)))
