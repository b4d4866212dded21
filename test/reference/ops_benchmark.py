"""torchvision's timings for the "ops" benchmark suite (test/Microsoft.ML.MaskRcnn.Benchmarks/OpsBenchmarks.cs).

usage: /usr/bin/python3 ops_benchmark.py THREADS
Builds the same inputs as the C# suite (same libtorch generator, same calls in the same order) and prints
"<case> <median milliseconds>" lines, plus "<case>_kept <count>" so that the suite can check both sides agree.
"""
import sys
import time

import torch
import torchvision
from torchvision.ops import batched_nms, nms, roi_align

torch.set_num_threads(int(sys.argv[1]))
g = torch.Generator().manual_seed(0)

# Inputs: keep in step with OpsBenchmarks.Inputs.
xy = torch.rand(10000, 2, generator=g) * 1000
wh = torch.rand(10000, 2, generator=g) * 240 + 16
boxes = torch.cat([xy, xy + wh], 1)
scores = torch.rand(10000, generator=g)
classes = torch.randint(0, 80, (10000,), generator=g)
features = torch.randn(1, 256, 200, 272, generator=g)
rxy = torch.rand(1000, 2, generator=g) * torch.tensor([1024.0, 736.0])
rwh = torch.rand(1000, 2, generator=g) * 400 + 8
rois = torch.cat([torch.zeros(1000, 1), rxy, torch.minimum(rxy + rwh, torch.tensor([1088.0, 800.0]))], 1)


def median_ms(action, warmup, repeats):
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


print("nms_10000", median_ms(lambda: nms(boxes, scores, 0.7), 3, 15))
print("nms_10000_kept", len(nms(boxes, scores, 0.7)))
print("batched_nms_80", median_ms(lambda: batched_nms(boxes, scores, classes, 0.5), 3, 15))
print("batched_nms_80_kept", len(batched_nms(boxes, scores, classes, 0.5)))
for size in (7, 14):
    grad = torch.randn(1000, 256, size, size, generator=g)
    print(f"roi_align_{size}_forward", median_ms(lambda: roi_align(features, rois, size, 0.25, 2, False), 1, 5))
    x = features.clone().requires_grad_()
    y = roi_align(x, rois, size, 0.25, 2, False)

    def backward():
        x.grad = None
        y.backward(grad, retain_graph=True)

    print(f"roi_align_{size}_backward", median_ms(backward, 1, 5))
    sys.stdout.flush()
