"""Reference values for Microsoft.ML.MaskRcnn.Ops, computed by torchvision 0.14 on the same libtorch.

usage: /usr/bin/python3 ops_reference.py OUTPUT_DIR
Writes OUTPUT_DIR/ops.dat: inputs under "in/...", torchvision's results under "out/...".
"""
import math
import os
import sys

import torch
import torchvision
from torchvision.models.detection._utils import BalancedPositiveNegativeSampler, BoxCoder, Matcher
from torchvision.ops import MultiScaleRoIAlign, batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image
from torchvision.ops import nms, remove_small_boxes, roi_align

from reference_io import write_tensors

torch.set_num_threads(1)
out = {}
g = torch.Generator().manual_seed(20240603)


def random_boxes(n, extent=100.0, min_size=1.0, max_size=40.0, dtype=torch.float32):
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * extent
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * (max_size - min_size) + min_size
    return torch.cat([xy, xy + wh], 1).to(dtype)


# ---- nms ------------------------------------------------------------------------------------------------
b = random_boxes(600)
b[5] = torch.tensor([10.0, 10.0, 10.0, 30.0])  # zero width
b[6] = torch.tensor([12.0, 12.0, 12.0, 12.0])  # a point
b[7] = torch.tensor([-50.0, -60.0, -20.0, -30.0])  # outside the image
s = torch.rand(600, generator=g)
out["in/nms/boxes"], out["in/nms/scores"] = b, s
for t in (0.3, 0.5, 0.7):
    out[f"out/nms/keep_{t}"] = nms(b, s, t)

# Many equal scores: the ranking of ties decides which box survives.
bt = random_boxes(400, extent=60.0)
st = (torch.rand(400, generator=g) * 8).floor() / 8
out["in/nms_ties/boxes"], out["in/nms_ties/scores"] = bt, st
out["out/nms_ties/keep"] = nms(bt, st, 0.5)

# Larger than one block of the native kernel, with dense overlaps.
bl = random_boxes(3000, extent=400.0, min_size=8.0, max_size=120.0)
sl = torch.rand(3000, generator=g)
out["in/nms_large/boxes"], out["in/nms_large/scores"] = bl, sl
out["out/nms_large/keep"] = nms(bl, sl, 0.5)

b64 = random_boxes(300, dtype=torch.float64)
s64 = torch.rand(300, generator=g, dtype=torch.float64)
out["in/nms64/boxes"], out["in/nms64/scores"] = b64, s64
out["out/nms64/keep"] = nms(b64, s64, 0.5)

# NaN scores: ours drops those boxes, i.e. equals torchvision on the other boxes.
bn = random_boxes(200, extent=50.0)
sn = torch.rand(200, generator=g)
nan_rows = torch.tensor([0, 3, 17, 50, 51, 120])
sn[nan_rows] = float("nan")
valid = torch.where(~sn.isnan())[0]
out["in/nms_nan/boxes"], out["in/nms_nan/scores"] = bn, sn
out["out/nms_nan/keep_without_nan"] = valid[nms(bn[valid], sn[valid], 0.5)]
out["out/nms_nan/torchvision_keep"] = nms(bn, sn, 0.5)

# ---- batched_nms ------------------------------------------------------------------------------------------
for name, n, classes in (("small", 500, 5), ("large", 4000, 80)):  # torchvision's offset trick, then its per-class loop
    bb = random_boxes(n, extent=200.0, min_size=4.0, max_size=80.0)
    sb = torch.rand(n, generator=g)
    ib = torch.randint(0, classes, (n,), generator=g)
    out[f"in/bnms_{name}/boxes"], out[f"in/bnms_{name}/scores"], out[f"in/bnms_{name}/idxs"] = bb, sb, ib
    out[f"out/bnms_{name}/keep"] = batched_nms(bb, sb, ib, 0.5)

# Equal scores across and within categories, few enough boxes for torchvision's offset path (one stable nms).
bt2 = random_boxes(800, extent=100.0, min_size=4.0, max_size=60.0)
st2 = (torch.rand(800, generator=g) * 6).floor() / 6
it2 = torch.randint(0, 4, (800,), generator=g)
out["in/bnms_ties/boxes"], out["in/bnms_ties/scores"], out["in/bnms_ties/idxs"] = bt2, st2, it2
out["out/bnms_ties/keep"] = batched_nms(bt2, st2, it2, 0.5)

# Equal scores with more than 1000 boxes: torchvision's per-class loop, whose final ordering is an unstable sort.
bt3 = random_boxes(3000, extent=300.0, min_size=4.0, max_size=60.0)
st3 = (torch.rand(3000, generator=g) * 8).floor() / 8
it3 = torch.randint(0, 6, (3000,), generator=g)
out["in/bnms_large_ties/boxes"], out["in/bnms_large_ties/scores"], out["in/bnms_large_ties/idxs"] = bt3, st3, it3
out["out/bnms_large_ties/keep"] = batched_nms(bt3, st3, it3, 0.5)

# ---- roi_align -------------------------------------------------------------------------------------------
def roi_rows(n, batch, extent_h, extent_w, dtype=torch.float32):
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * torch.tensor([extent_w, extent_h], dtype=torch.float64)
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * torch.tensor([extent_w, extent_h], dtype=torch.float64) * 0.6
    ids = torch.randint(0, batch, (n, 1), generator=g).to(torch.float64)
    return torch.cat([ids, xy - 4, xy + wh - 4], 1).to(dtype)


def add_edge_rois(rois, extent_h, extent_w):
    edge = torch.tensor([
        [0, 3.0, 4.0, 3.0, 4.0],                                       # zero size
        [1, 2.5, 2.5, 2.7, 2.6],                                       # smaller than a pixel
        [0, -30.0, -30.0, -10.0, -12.0],                               # entirely outside (top left)
        [1, extent_w - 3, extent_h - 3, extent_w + 20, extent_h + 20],  # over the bottom-right edge
        [0, -2.0, -2.0, extent_w + 2, extent_h + 2],                   # the whole map
        [1, extent_w + 5, 1.0, extent_w + 15, 6.0],                    # entirely outside (right)
    ], dtype=rois.dtype)
    return torch.cat([rois, edge], 0)


def roi_case(name, x, rois, output_size, scale, ratio, aligned):
    xr = x.clone().requires_grad_()
    y = roi_align(xr, rois, output_size, scale, ratio, aligned)
    gy = torch.randn(y.shape, generator=g, dtype=x.dtype)
    y.backward(gy)
    out[f"in/roi/{name}/grad_output"] = gy
    out[f"out/roi/{name}/forward"] = y.detach()
    out[f"out/roi/{name}/grad_input"] = xr.grad


# Few channels (planar kernel): every combination of alignment and sampling ratio, two scales and output shapes.
x = torch.randn(2, 5, 20, 24, generator=g)
rois = add_edge_rois(roi_rows(30, 2, 40.0, 48.0), 40.0, 48.0)
out["in/roi/small/input"], out["in/roi/small/rois"] = x, rois
for aligned in (False, True):
    for ratio in (-1, 0, 1, 2, 3):
        for scale, size in ((0.5, (7, 7)), (0.25, (3, 5))):
            roi_case(f"small_{aligned}_{ratio}_{scale}", x, rois, size, scale, ratio, aligned)

# Many RoIs over a small map with 36 channels (blocked kernel: blocks of 16, 16 and 4 channels), and two RoIs
# on a larger map (planar kernel).
xc = torch.randn(2, 36, 16, 16, generator=g)
rc = add_edge_rois(roi_rows(120, 2, 64.0, 64.0), 64.0, 64.0)
out["in/roi/cl/input"], out["in/roi/cl/rois"] = xc, rc
for aligned in (False, True):
    for ratio in (-1, 2):
        roi_case(f"cl_{aligned}_{ratio}", xc, rc, (7, 7), 0.25, ratio, aligned)
xp = torch.randn(1, 16, 64, 64, generator=g)
rp = torch.tensor([[0, 10.0, 12.0, 40.0, 50.0], [0, 0.0, 0.0, 63.0, 63.0]])
out["in/roi/planar16/input"], out["in/roi/planar16/rois"] = xp, rp
roi_case("planar16", xp, rp, (2, 2), 1.0, 1, True)

# Blocked kernel with an image that has no RoI (its gradient must be zero), and in float64.
xe = torch.randn(2, 16, 8, 8, generator=g)
re = roi_rows(40, 1, 32.0, 32.0)
out["in/roi/empty_image/input"], out["in/roi/empty_image/rois"] = xe, re
roi_case("empty_image", xe, re, (4, 4), 0.25, 2, False)
xb = torch.randn(2, 20, 9, 11, generator=g, dtype=torch.float64)
rb = add_edge_rois(roi_rows(30, 2, 9.0, 11.0, dtype=torch.float64), 9.0, 11.0)
out["in/roi/f64_blocked/input"], out["in/roi/f64_blocked/rois"] = xb, rb
roi_case("f64_blocked", xb, rb, (3, 3), 1.0, -1, True)

# One RoI (K = 1) and float64.
roi_case("single", x, rois[:1].clone(), (4, 4), 0.5, 2, False)
x64 = torch.randn(1, 3, 9, 11, generator=g, dtype=torch.float64)
r64 = roi_rows(8, 1, 9.0, 11.0, dtype=torch.float64)
out["in/roi/f64/input"], out["in/roi/f64/rois"] = x64, r64
roi_case("f64", x64, r64, (3, 3), 1.0, -1, True)

# Per-image box lists equal the [K, 5] form.
lists = [random_boxes(4, extent=40.0), random_boxes(3, extent=40.0)]
out["in/roi/list/box0"], out["in/roi/list/box1"] = lists[0], lists[1]
out["out/roi/list/forward"] = roi_align(x, lists, 5, 0.5, 2, True)

# ---- MultiScaleRoIAlign --------------------------------------------------------------------------------------
image_shapes = [(800, 1088), (760, 1000)]
feats = {}
for level, (h, w) in enumerate(((200, 272), (100, 136), (50, 68), (25, 34))):
    feats[str(level)] = torch.randn(2, 4, h, w, generator=g)
    out[f"in/msra/feat{level}"] = feats[str(level)]
feats["pool"] = torch.randn(2, 4, 13, 17, generator=g)
out["in/msra/featpool"] = feats["pool"]
per_image = []
for i in range(2):
    bx = random_boxes(40, extent=700.0, min_size=2.0, max_size=700.0)
    if i == 0:  # exact level boundaries: sqrt(area) = 112, 224, 448 and tiny / huge boxes
        bx = torch.cat([bx, torch.tensor([[0, 0, 112.0, 112.0], [10, 10, 234.0, 234.0], [0, 0, 448.0, 448.0],
                                          [5, 5, 6.0, 6.0], [0, 0, 1088.0, 800.0]])])
    per_image.append(bx)
    out[f"in/msra/boxes{i}"] = bx
for size, ratio in ((7, 2), (14, 2), (7, -1)):
    pooler = MultiScaleRoIAlign(["0", "1", "2", "3"], size, ratio)
    out[f"out/msra/{size}_{ratio}"] = pooler(feats, per_image, image_shapes)
    out[f"out/msra/{size}_{ratio}_scales"] = torch.tensor(pooler.scales, dtype=torch.float64)
single = MultiScaleRoIAlign(["1"], (5, 3), 2)
out["out/msra/single"] = single(feats, per_image, image_shapes)

# ---- boxes -------------------------------------------------------------------------------------------------
b1 = random_boxes(7, extent=30.0)
b2 = random_boxes(5, extent=30.0)
b2[0] = b1[0]
b2[1] = torch.tensor([3.0, 3.0, 3.0, 9.0])  # zero area
out["in/boxes/b1"], out["in/boxes/b2"] = b1, b2
out["out/boxes/area"] = box_area(b1)
out["out/boxes/iou"] = box_iou(b1, b2)
out["out/boxes/iou_empty"] = box_iou(b1[:0], b2)
cb = torch.randn(6, 3, 4, generator=g) * 50 + 20
out["in/boxes/to_clip"] = cb
out["out/boxes/clipped"] = clip_boxes_to_image(cb, (30, 45))
sb = random_boxes(12, extent=30.0, min_size=0.5, max_size=6.0)
out["in/boxes/small"] = sb
out["out/boxes/keep_small"] = remove_small_boxes(sb, 2.5)
for fin in ("xyxy", "xywh", "cxcywh"):
    for fout in ("xyxy", "xywh", "cxcywh"):
        out[f"out/boxes/convert_{fin}_{fout}"] = box_convert(b1, fin, fout)

# ---- BoxCoder ------------------------------------------------------------------------------------------------
proposals = random_boxes(50, extent=300.0, min_size=5.0, max_size=120.0)
gt = random_boxes(50, extent=300.0, min_size=5.0, max_size=120.0)
out["in/coder/proposals"], out["in/coder/gt"] = proposals, gt
for name, weights in (("rcnn", (10.0, 10.0, 5.0, 5.0)), ("rpn", (1.0, 1.0, 1.0, 1.0))):
    coder = BoxCoder(weights)
    out[f"out/coder/{name}/encoded"] = coder.encode_single(gt, proposals)
    codes = torch.randn(50, 12, generator=g) * 2
    codes[0, 2] = 30.0  # beyond the log(1000/16) clamp
    codes[1, 7] = 50.0
    out[f"in/coder/{name}/codes"] = codes
    out[f"out/coder/{name}/decoded"] = coder.decode(codes, [proposals[:20], proposals[20:]])
    out[f"out/coder/{name}/decoded_single"] = coder.decode_single(codes, proposals)

# ---- Matcher ---------------------------------------------------------------------------------------------------
q = torch.rand(6, 40, generator=g) * 0.9
q[2, 7] = q[2].max() + 0.01  # a tie on the best prediction of gt 2
q[2, 9] = q[2, 7]
out["in/matcher/quality"] = q
for name, (high, low, allow) in {"rpn": (0.7, 0.3, True), "rcnn": (0.5, 0.5, False), "mid": (0.6, 0.2, False)}.items():
    out[f"out/matcher/{name}"] = Matcher(high, low, allow)(q)

# ---- BalancedPositiveNegativeSampler ------------------------------------------------------------------------
m0 = torch.randint(-2, 4, (300,), generator=g)
m1 = torch.randint(-1, 2, (90,), generator=g)
out["in/sampler/m0"], out["in/sampler/m1"] = m0, m1
torch.manual_seed(77)
pos, neg = BalancedPositiveNegativeSampler(64, 0.25)([m0, m1])
for i in range(2):
    out[f"out/sampler/pos{i}"], out[f"out/sampler/neg{i}"] = pos[i], neg[i]

write_tensors(os.path.join(sys.argv[1], "ops.dat"), out)
