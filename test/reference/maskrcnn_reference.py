"""torchvision 0.14 Mask R-CNN as the reference for our model: weights, inputs, every stage's outputs.

usage: /usr/bin/python3 maskrcnn_reference.py OUTPUT_DIR [DEPTH] [MIN_SIZE] [MAX_SIZE]
Builds a seeded maskrcnn with a ResNet-DEPTH FPN backbone (FrozenBatchNorm2d with randomised statistics, so
that normalisation is not the identity), 5 classes, and writes:
  weights.dat  - the state dict (keys exactly torchvision's)
  io.dat       - two fixed images, targets, and the outputs of the transform, backbone, anchors, RPN head,
                 proposals, detections (boxes/labels/scores/mask probabilities) in eval mode, and the five
                 losses in training mode with the random samplers replaced by a deterministic choice
                 (the first positives and the first negatives in index order), reproduced by our tests.
"""
import os
import sys

import torch
import torchvision
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.models.detection import _utils as det_utils

from reference_io import write_tensors

out_dir = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 18
min_size = int(sys.argv[3]) if len(sys.argv) > 3 else 320
max_size = int(sys.argv[4]) if len(sys.argv) > 4 else 512
torch.set_num_threads(1)
torch.manual_seed(0)

backbone = resnet_fpn_backbone(backbone_name=f"resnet{depth}", weights=None, trainable_layers=5)
model = MaskRCNN(backbone, num_classes=5, min_size=min_size, max_size=max_size)
with torch.no_grad():
    for name, buf in model.named_buffers():
        if name.endswith("running_mean"):
            buf.uniform_(-0.2, 0.2)
        elif name.endswith("running_var"):
            buf.uniform_(0.5, 1.5)
        elif name.startswith("backbone.body") and name.endswith(".weight"):
            buf.uniform_(0.5, 1.5)
        elif name.startswith("backbone.body") and name.endswith(".bias"):
            buf.uniform_(-0.2, 0.2)
    # Make the heads confident enough that detections survive the 0.05 score threshold in varied classes.
    model.roi_heads.box_predictor.cls_score.weight.mul_(20)
write_tensors(os.path.join(out_dir, "weights.dat"), model.state_dict())

g = torch.Generator().manual_seed(1)
images = [torch.rand(3, 200, 300, generator=g), torch.rand(3, 240, 180, generator=g)]
io = {"image0": images[0], "image1": images[1]}

model.eval()
with torch.no_grad():
    image_list, _ = model.transform(images)
    io["batch"] = image_list.tensors
    io["image_sizes"] = torch.tensor(image_list.image_sizes)
    features = model.backbone(image_list.tensors)
    for i, (k, v) in enumerate(features.items()):
        io[f"feature{i}"] = v
    feature_list = list(features.values())
    anchors = model.rpn.anchor_generator(image_list, feature_list)
    io["anchors"] = anchors[0]
    objectness, deltas = model.rpn.head(feature_list)
    for i in range(len(objectness)):
        io[f"objectness{i}"] = objectness[i]
        io[f"deltas{i}"] = deltas[i]
    proposals, _ = model.rpn(image_list, features)
    for i, p in enumerate(proposals):
        io[f"proposals{i}"] = p
    detections, _ = model.roi_heads(features, proposals, image_list.image_sizes)
    for i, d in enumerate(detections):
        io[f"raw_boxes{i}"] = d["boxes"]
    results = model(images)
    for i, r in enumerate(results):
        io[f"boxes{i}"] = r["boxes"]
        io[f"labels{i}"] = r["labels"]
        io[f"scores{i}"] = r["scores"]
        io[f"masks{i}"] = r["masks"]


def deterministic_sampler(self, matched_idxs):
    pos_idx, neg_idx = [], []
    for m in matched_idxs:
        positive = torch.where(m >= 1)[0]
        negative = torch.where(m == 0)[0]
        num_pos = min(positive.numel(), int(self.batch_size_per_image * self.positive_fraction))
        num_neg = min(negative.numel(), self.batch_size_per_image - num_pos)
        pos_mask = torch.zeros_like(m, dtype=torch.uint8)
        neg_mask = torch.zeros_like(m, dtype=torch.uint8)
        pos_mask[positive[:num_pos]] = 1
        neg_mask[negative[:num_neg]] = 1
        pos_idx.append(pos_mask)
        neg_idx.append(neg_mask)
    return pos_idx, neg_idx


det_utils.BalancedPositiveNegativeSampler.__call__ = deterministic_sampler

targets = []
for i, (h, w) in enumerate([(200, 300), (240, 180)]):
    boxes = torch.tensor([[20.0, 30.0, 120.0, 150.0], [100.0, 60.0, 170.0, 190.0], [5.0, 5.0, 60.0, 40.0]]) * torch.tensor([w / 300, h / 240, w / 300, h / 240])
    labels = torch.tensor([1, 3, 4]) if i == 0 else torch.tensor([2, 2, 1])
    masks = torch.zeros(3, h, w, dtype=torch.uint8)
    for k, b in enumerate(boxes.round().long().tolist()):
        x0, y0, x1, y1 = b
        masks[k, y0:y1, x0 + (x1 - x0) // 4: x1] = 1  # not the whole box: mask targets differ from box crops
    targets.append({"boxes": boxes, "labels": labels, "masks": masks})
    io[f"target_boxes{i}"] = boxes
    io[f"target_labels{i}"] = labels
    io[f"target_masks{i}"] = masks

model.train()
losses = model(images, targets)
for k, v in losses.items():
    io["loss_" + k.replace("loss_", "")] = v.detach()
write_tensors(os.path.join(out_dir, "io.dat"), io)
print({k: float(v) for k, v in losses.items()})
