#!/usr/bin/python3
"""PyTorch side of `LunetBench nn`: one training step (forward, loss,
backward, Adam with amsgrad) of the same two networks on random data, on 2
threads. LunetBench runs it after each of its own networks; by hand:
OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_bench.py [q1|q2]
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)


class SamePad(nn.Module):
    """Keras 'same' padding (extra cell at the bottom/right), -inf for pooling."""

    def __init__(self, kernel, stride, value=0.0):
        super().__init__()
        self.kernel, self.stride, self.value = kernel, stride, value

    def forward(self, x):
        pads = []
        for size in (x.shape[3], x.shape[2]):
            out = -(-size // self.stride)
            total = max((out - 1) * self.stride + self.kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads, value=self.value)


def conv_same(i, o, k):
    # Odd kernels pad symmetrically, which PyTorch does inside the convolution;
    # only the even 4x4 kernel needs Keras' extra row and column.
    if k % 2 == 1:
        return nn.Conv2d(i, o, k, padding=k // 2)
    return nn.Sequential(SamePad(k, 1), nn.Conv2d(i, o, k))


def pool_same():
    return nn.Sequential(SamePad(3, 2, value=float("-inf")), nn.MaxPool2d(3, 2))


def babenko():
    return nn.Sequential(
        conv_same(3, 96, 4), pool_same(), nn.ReLU(),
        conv_same(96, 192, 5), pool_same(), nn.ReLU(),
        conv_same(192, 288, 3), nn.ReLU(), conv_same(288, 288, 3), nn.ReLU(),
        conv_same(288, 256, 3), pool_same(), nn.ReLU(), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(16384, 2048), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 190))


def koch():
    layers, channels = [], 1
    for out, kernel, pooled in [(64, 10, True), (128, 7, True), (128, 4, True), (256, 4, False)]:
        layers += [nn.Conv2d(channels, out, kernel), nn.BatchNorm2d(out), nn.ReLU()]
        if pooled:
            layers.append(nn.MaxPool2d(2))
        channels = out
    layers += [nn.Flatten(), nn.Dropout(0.25), nn.Linear(9216, 4096), nn.Sigmoid()]
    return nn.Sequential(*layers)


def measure(name, model, shape, classes, steps=3):
    x = torch.rand(*shape)
    labels = torch.arange(shape[0]) % max(classes or 1, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, amsgrad=True)
    times = []
    for step in range(steps + 1):
        start = time.perf_counter()
        optimizer.zero_grad()
        y = model(x)
        if classes:
            F.cross_entropy(y, labels).backward()
        else:
            y.backward(torch.randn_like(y))
        optimizer.step()
        if step > 0:
            times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    print(f"{name}: {median:.2f} s per step (median of {steps}), {shape[0] / median:.1f} images/s")
    measure_forward(model, x)


def measure_forward(model, x, repeats=3):
    """Forward only in evaluation mode under torch.no_grad(), as LunetBench's forward line."""
    model.eval()
    times = []
    with torch.no_grad():
        for step in range(repeats + 1):
            start = time.perf_counter()
            model(x)
            if step > 0:
                times.append(time.perf_counter() - start)
    model.train()
    median = sorted(times)[len(times) // 2]
    print(f"  forward only (evaluation, no_grad): {median:.2f} s per batch (median of {repeats}), "
          f"{x.shape[0] / median:.1f} images/s")


which = sys.argv[1:] or ["q1", "q2"]
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, oneDNN {torch.backends.mkldnn.is_available()}")
if "q1" in which:
    measure("Q1 (Babenko, 100 x 3x64x64)", babenko(), (100, 3, 64, 64), 190)
if "q2" in which:
    measure("Q2 (Koch, 96 x 1x105x105)", koch(), (96, 1, 105, 105), None)


def peak_memory_mib():
    """VmHWM: unlike ru_maxrss it starts afresh at exec, so a parent's peak does not show."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


print(f"peak resident memory: {peak_memory_mib():.0f} MiB")
