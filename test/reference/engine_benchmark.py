"""PyTorch's timings for the engine benchmark: the same work as EngineBenchmarks.cs, same threads.

usage: /usr/bin/python3 engine_benchmark.py THREADS
Prints "case milliseconds" lines (median of repeated runs after warm-up).
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision
from torch import nn

torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)


def median_ms(fn, warmup=3, repeats=15):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


x = torch.randn(8, 64, 56, 56)
w = torch.randn(64, 64, 3, 3)
print("conv2d", median_ms(lambda: F.conv2d(x, w, padding=1)))

a = torch.randn(1024, 1024)
b = torch.randn(1024, 1024)
print("matmul", median_ms(lambda: torch.matmul(a, b)))

model = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
images = torch.randn(32, 3, 32, 32)
labels = torch.randint(0, 10, (32,))


def train_step():
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(images), labels).backward()


print("cnn_forward_backward", median_ms(train_step))

with torch.no_grad():
    resnet = torchvision.models.resnet50().eval()
    image = torch.randn(1, 3, 800, 1088)
    print("resnet50_forward", median_ms(lambda: resnet(image), warmup=2, repeats=5))

small = torch.randn(16)
print("tiny_add", median_ms(lambda: [small + small for _ in range(1000)]) / 1000)
