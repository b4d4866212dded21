"""torchvision's side of the model benchmark: Mask R-CNN R50-FPN (FrozenBatchNorm2d, as the pretrained model) on an
800x1066 input, 91 classes, seeded weights.

usage: /usr/bin/python3 model_benchmark.py MODE THREADS WEIGHTS_DAT
  MODE export: write the seeded weights to WEIGHTS_DAT (TorchSharp .dat layout) and the input image next to it
  MODE eval:   load nothing, rebuild the same seeded model, time inference (median of repeats), print peak RSS
  MODE eval_network: time the network alone (backbone, RPN, RoI heads) on the transformed image, as the ONNX export
       covers: no resizing, normalising or mask pasting inside the timing
  MODE train:  time one training step with a batch of 2 (SGD, momentum 0.9), print peak RSS
  MODE eval_best, train_best: the same with torchvision's best settings on this machine: the faster of the default
       layout and channels_last (both measured), inference_mode for eval, and bfloat16 autocast where the CPU computes
       bfloat16 natively (AVX-512 BF16 or AMX; elsewhere libtorch emulates it, 6 to 450 times slower than float32)
Prints "name value" lines.
"""
import os
import resource
import statistics
import sys
import time

import torch
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops.misc import FrozenBatchNorm2d

from reference_io import write_tensors

mode, threads, weights_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(threads)


def build():
    torch.manual_seed(0)
    backbone = resnet_fpn_backbone(backbone_name="resnet50", weights=None, norm_layer=FrozenBatchNorm2d, trainable_layers=3)
    model = MaskRCNN(backbone, num_classes=91)
    with torch.no_grad():
        for name, buf in model.named_buffers():
            if name.endswith("running_var"):
                buf.uniform_(0.5, 1.5)
        model.roi_heads.box_predictor.cls_score.weight.mul_(10)  # confident enough to produce 100 detections
    return model


def image(seed, h=800, w=1066):
    return torch.rand(3, h, w, generator=torch.Generator().manual_seed(seed))


def targets(h=800, w=1066):
    boxes = torch.tensor([[100.0, 120.0, 400.0, 500.0], [500.0, 300.0, 900.0, 700.0], [50.0, 600.0, 300.0, 780.0]])
    masks = torch.zeros(3, h, w, dtype=torch.uint8)
    for k, (x0, y0, x1, y1) in enumerate(boxes.long().tolist()):
        masks[k, y0:y1, x0:x1] = 1
    return {"boxes": boxes, "labels": torch.tensor([1, 5, 18]), "masks": masks}


def median_seconds(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def native_bfloat16():
    with open("/proc/cpuinfo") as f:
        flags = next((line.split() for line in f if line.startswith("flags")), [])
    return "avx512_bf16" in flags or "amx_bf16" in flags


best = mode.endswith("_best")
mode = mode.removesuffix("_best")
bfloat16 = best and native_bfloat16()


def float32_detection_ops():
    """torchvision 0.14 gives nms and roi_align an autocast rule (compute in float32) on CUDA only; on the CPU neither has a
    bfloat16 kernel, so autocast fails there. Apply the same rule on the CPU."""
    import torchvision.models.detection.roi_heads as roi_heads
    import torchvision.ops.boxes as boxes
    import torchvision.ops.poolers as poolers

    nms, roi_align = boxes.nms, poolers.roi_align
    boxes.nms = lambda b, s, t: nms(b.float(), s.float(), t)

    def roi_align_float32(x, rois, *args, **kwargs):
        rois = rois.float() if torch.is_tensor(rois) else [r.float() for r in rois]
        return roi_align(x.float(), rois, *args, **kwargs).to(x.dtype)

    poolers.roi_align = roi_align_float32  # the box and mask heads' pooling
    roi_heads.roi_align = roi_align_float32  # the mask loss's targets


if bfloat16:
    float32_detection_ops()


def measure_eval(model, channels_last):
    model.eval()
    x = [image(1)]
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = [t.unsqueeze(0).contiguous(memory_format=torch.channels_last)[0] for t in x]
    with (torch.inference_mode() if best else torch.no_grad()), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
        count = model(x)[0]["boxes"].shape[0]
        return count, median_seconds(lambda: model(x), 1, 3)


def measure_train(model, channels_last):
    model.train()
    images = [image(2), image(3)]
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        images = [t.unsqueeze(0).contiguous(memory_format=torch.channels_last)[0] for t in images]
    batch_targets = [targets(), targets()]
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.001, momentum=0.9)

    def step():
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            losses = model(images, batch_targets)
        sum(losses.values()).backward()
        optimizer.step()

    return median_seconds(step, 1, 3)


if mode == "export":
    model = build()
    write_tensors(weights_path, model.state_dict())
    write_tensors(os.path.join(os.path.dirname(weights_path), "model_benchmark_images.dat"),
                  {"eval": image(1), "train0": image(2), "train1": image(3)})
elif mode == "eval_network":
    model = build()
    model.eval()
    with torch.no_grad():
        batch, _ = model.transform([image(1)])

        def network():
            features = model.backbone(batch.tensors)
            proposals, _ = model.rpn(batch, features)
            return model.roi_heads(features, proposals, batch.image_sizes)[0]

        print("detections", network()[0]["boxes"].shape[0])
        print("eval_network_seconds", median_seconds(network, 1, 3))
    print("eval_network_peak_rss_bytes", peak_rss_bytes())
elif not best:
    # torchvision's defaults: float32, the default layout, no_grad for evaluation.
    if mode == "eval":
        count, seconds = measure_eval(build(), False)
        print("detections", count)
        print("eval_seconds", seconds)
        print("eval_peak_rss_bytes", peak_rss_bytes())
    else:
        print("train_step_seconds", measure_train(build(), False))
        print("train_peak_rss_bytes", peak_rss_bytes())
else:
    # torchvision's best here: both layouts are measured (channels_last is not faster on every CPU with torch 1.13) and
    # the faster one is reported; bfloat16 autocast only where the CPU has it natively. Peak memory is not reported:
    # this process holds both runs.
    print("bfloat16_autocast", int(bfloat16))
    if mode == "eval":
        runs = {layout: measure_eval(build(), layout) for layout in (False, True)}
        layout = min(runs, key=lambda k: runs[k][1])
        print("detections", runs[layout][0])
        print("eval_seconds", runs[layout][1])
        print("eval_seconds_contiguous", runs[False][1])
        print("eval_seconds_channels_last", runs[True][1])
    else:
        runs = {layout: measure_train(build(), layout) for layout in (False, True)}
        layout = min(runs, key=runs.get)
        print("train_step_seconds", runs[layout])
        print("train_step_seconds_contiguous", runs[False])
        print("train_step_seconds_channels_last", runs[True])
    print("channels_last", int(layout))
