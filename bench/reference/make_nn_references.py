#!/usr/bin/python3
"""Writes nn_references.json: layer outputs and gradients computed once by
PyTorch, which Tests/LunetTests/LayerReferenceTests.swift compares lunet with.

Run from anywhere: /usr/bin/python3 bench/reference/make_nn_references.py
'same' padding is Keras': total = max((ceil(n/s)-1)*s + k - n, 0), the extra
cell at the bottom/right; pooling pads with -inf so padded cells never win.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
cases = {}


def flat(t):
    return [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]


def tensor_entry(t):
    return {"shape": list(t.shape), "values": flat(t)}


def same_padding(size, kernel, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kernel, stride, value=0.0):
    top, bottom = same_padding(x.shape[2], kernel, stride)
    left, right = same_padding(x.shape[3], kernel, stride)
    return F.pad(x, (left, right, top, bottom), value=value)


def conv_case(name, x_shape, out_channels, kernel, stride, padding):
    x = torch.randn(*x_shape, requires_grad=True)
    w = torch.randn(out_channels, x_shape[1], kernel, kernel, requires_grad=True)
    b = torch.randn(out_channels, requires_grad=True)
    xp = pad_same(x, kernel, stride) if padding == "same" else x
    y = F.conv2d(xp, w, b, stride=stride)
    g = torch.randn_like(y)
    y.backward(g)
    cases[name] = {"kernel": kernel, "stride": stride, "padding": padding,
                   "x": tensor_entry(x), "weight": tensor_entry(w), "bias": tensor_entry(b),
                   "y": tensor_entry(y), "gradOutput": tensor_entry(g),
                   "dx": tensor_entry(x.grad), "dweight": tensor_entry(w.grad), "dbias": tensor_entry(b.grad)}


def pool_case(name, x_shape, kernel, stride, padding):
    x = torch.randn(*x_shape, requires_grad=True)
    xp = pad_same(x, kernel, stride, value=-math.inf) if padding == "same" else x
    y = F.max_pool2d(xp, kernel, stride)
    g = torch.randn_like(y)
    y.backward(g)
    cases[name] = {"kernel": kernel, "stride": stride, "padding": padding, "x": tensor_entry(x),
                   "y": tensor_entry(y), "gradOutput": tensor_entry(g), "dx": tensor_entry(x.grad)}


def batchnorm_case(name, x_shape):
    features = x_shape[1]
    bn = torch.nn.BatchNorm2d(features) if len(x_shape) == 4 else torch.nn.BatchNorm1d(features)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(features) + 0.5)
        bn.bias.copy_(torch.randn(features))
    x = (torch.randn(*x_shape) * 2 + 0.5).requires_grad_(True)
    y = bn(x)
    g = torch.randn_like(y)
    y.backward(g)
    bn.eval()
    x_eval = torch.randn(*x_shape)
    y_eval = bn(x_eval)
    cases[name] = {"x": tensor_entry(x), "weight": tensor_entry(bn.weight), "bias": tensor_entry(bn.bias),
                   "y": tensor_entry(y), "gradOutput": tensor_entry(g), "dx": tensor_entry(x.grad),
                   "dweight": tensor_entry(bn.weight.grad), "dbias": tensor_entry(bn.bias.grad),
                   "running_mean": tensor_entry(bn.running_mean), "running_var": tensor_entry(bn.running_var),
                   "x_eval": tensor_entry(x_eval), "y_eval": tensor_entry(y_eval)}


def linear_case(name):
    x = torch.randn(3, 5, requires_grad=True)
    w = torch.randn(4, 5, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    y = F.linear(x, w, b)
    g = torch.randn_like(y)
    y.backward(g)
    cases[name] = {"x": tensor_entry(x), "weight": tensor_entry(w), "bias": tensor_entry(b), "y": tensor_entry(y),
                   "gradOutput": tensor_entry(g), "dx": tensor_entry(x.grad), "dweight": tensor_entry(w.grad),
                   "dbias": tensor_entry(b.grad)}


def normalize_case(name):
    x = torch.randn(4, 6, requires_grad=True)
    y = F.normalize(x, dim=1)
    g = torch.randn_like(y)
    y.backward(g)
    cases[name] = {"x": tensor_entry(x), "y": tensor_entry(y), "gradOutput": tensor_entry(g), "dx": tensor_entry(x.grad)}


conv_case("conv_valid_stride1", (2, 3, 7, 6), 4, 3, 1, "valid")
conv_case("conv_valid_stride2", (2, 2, 9, 8), 3, 4, 2, "valid")
conv_case("conv_same_stride1_even_kernel", (2, 2, 7, 7), 3, 4, 1, "same")
conv_case("conv_same_stride1_kernel5", (1, 3, 6, 8), 2, 5, 1, "same")
conv_case("conv_same_stride2", (2, 3, 8, 7), 4, 3, 2, "same")
pool_case("maxpool_same_odd", (2, 3, 7, 7), 3, 2, "same")
pool_case("maxpool_same_even", (2, 3, 8, 8), 3, 2, "same")
pool_case("maxpool_same_kernel2_odd", (1, 2, 5, 7), 2, 2, "same")
pool_case("maxpool_valid", (1, 2, 9, 9), 2, 2, "valid")
batchnorm_case("batchnorm2d", (4, 3, 5, 5))
batchnorm_case("batchnorm1d", (6, 5))
linear_case("linear")
normalize_case("l2normalize")

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_references.json")
with open(path, "w") as f:
    json.dump({"generator": "bench/reference/make_nn_references.py", "torch": torch.__version__, "cases": cases}, f)
print("wrote", path, "with", len(cases), "cases")
