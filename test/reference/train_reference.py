"""torchvision 0.14's side of the training benchmark: trains torchvision's MaskRCNN with a recipe written by the C# side
and predicts a validation set, so that both trainings can be scored by our CocoEvaluator.

usage: /usr/bin/python3 train_reference.py RECIPE_JSON

RECIPE_JSON (written by test/Microsoft.ML.MaskRcnn.Benchmarks/TrainingRecipe.cs):
  options          MaskRcnnTrainerOptions serialised with snake_case names (model: MaskRcnnOptions the same way)
  total_steps      optimisation steps (the learning-rate schedule spans them, as in LearningRateSchedule.cs)
  schedule         per step, the batch as [[train index, flipped 0/1], ...]: the batches and flips our trainer uses
  dataset          dataset.json written by DatasetExport.cs: train/validation images, instance-id masks, labels, boxes
  evaluate_every   predict the validation set after every this many steps (0: only at the end)
  output           folder for results_<step>.json (COCO results), losses.jsonl and initial_weights.pth
  initial_weights  optional .pth state dict to start from (else torchvision's own random initialisation)
  save_initial_weights  when true, also write the initial state dict to output/initial_weights.pth
  backbone_weights optional JSON index (tensors: key, shape, offset; data: raw little-endian float32 file beside it) of
                   backbone.body.* tensors loaded after building (the pretrained-backbone comparison)

Prints "name value" lines: seconds_per_step (median after 10 warm-up steps), mean_seconds_per_step,
train_seconds (the training loop without the evaluations), eval_seconds, steps, parameters.
Masks are written as uncompressed RLE (COCO's column-major runs starting with zeros), encoded with numpy.
"""
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision.models import resnet
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool
from torchvision.ops.misc import FrozenBatchNorm2d

WARMUP_STEPS_FOR_TIMING = 10


def build_model(m):
    """The network of our MaskRcnnModel(m) as torchvision builds it (same module names, shapes and initialisation rules)."""
    norm = nn.BatchNorm2d if m["backbone_normalization"] == "BatchNorm" else FrozenBatchNorm2d
    if m.get("backbone_stage_blocks"):
        block = resnet.BasicBlock if m["backbone_depth"] < 50 else resnet.Bottleneck
        body = resnet.ResNet(block, list(m["backbone_stage_blocks"]), norm_layer=norm)
    else:
        body = getattr(resnet, f"resnet{m['backbone_depth']}")(weights=None, norm_layer=norm)
    # torchvision's _resnet_fpn_extractor, with the FPN width as a parameter (resnet_fpn_backbone fixes it at 256).
    trainable = m["trainable_backbone_stages"]
    layers_to_train = ["layer4", "layer3", "layer2", "layer1", "conv1"][:trainable]
    if trainable == 5:
        layers_to_train.append("bn1")
    for name, parameter in body.named_parameters():
        if all(not name.startswith(layer) for layer in layers_to_train):
            parameter.requires_grad_(False)
    stage2 = body.inplanes // 8
    channels = m["fpn_channels"]
    backbone = BackboneWithFPN(body, {"layer1": "0", "layer2": "1", "layer3": "2", "layer4": "3"},
                               [stage2 * 2 ** (i - 1) for i in (1, 2, 3, 4)], channels, extra_blocks=LastLevelMaxPool())
    anchors = AnchorGenerator(tuple(tuple(float(s) for s in level) for level in m["anchor_sizes"]),
                              tuple(tuple(float(r) for r in level) for level in m["anchor_aspect_ratios"]))
    train_sizes = m["training_min_sizes"] or [m["min_size"]]
    num_classes = m["num_classes"]
    model = MaskRCNN(
        backbone, num_classes=None,
        min_size=tuple(train_sizes), max_size=m["max_size"], image_mean=list(m["image_mean"]), image_std=list(m["image_std"]),
        rpn_anchor_generator=anchors,
        rpn_pre_nms_top_n_train=m["rpn_pre_nms_top_n_train"], rpn_pre_nms_top_n_test=m["rpn_pre_nms_top_n_test"],
        rpn_post_nms_top_n_train=m["rpn_post_nms_top_n_train"], rpn_post_nms_top_n_test=m["rpn_post_nms_top_n_test"],
        rpn_nms_thresh=m["rpn_nms_threshold"], rpn_fg_iou_thresh=m["rpn_foreground_iou_threshold"],
        rpn_bg_iou_thresh=m["rpn_background_iou_threshold"], rpn_batch_size_per_image=m["rpn_batch_size_per_image"],
        rpn_positive_fraction=m["rpn_positive_fraction"], rpn_score_thresh=m["rpn_score_threshold"],
        box_head=TwoMLPHead(channels * 7 * 7, m["representation_size"]),
        box_predictor=FastRCNNPredictor(m["representation_size"], num_classes),
        box_score_thresh=m["box_score_threshold"], box_nms_thresh=m["box_nms_threshold"],
        box_detections_per_img=m["detections_per_image"], box_fg_iou_thresh=m["box_foreground_iou_threshold"],
        box_bg_iou_thresh=m["box_background_iou_threshold"], box_batch_size_per_image=m["box_batch_size_per_image"],
        box_positive_fraction=m["box_positive_fraction"], bbox_reg_weights=tuple(m["box_regression_weights"]),
        mask_head=MaskRCNNHeads(channels, [m["mask_head_channels"]] * m["mask_head_layers"], 1),
        mask_predictor=MaskRCNNPredictor(m["mask_head_channels"], m["mask_head_channels"], num_classes),
    )
    if abs(m["rpn_min_size"] - 1e-3) > 1e-12:
        model.rpn.min_size = m["rpn_min_size"]
    return model


def set_eval_size(model, m, training):
    # Training draws the short side from the training sizes; evaluation uses MinSize (as our ImageTransform).
    model.transform.min_size = tuple(m["training_min_sizes"] or [m["min_size"]]) if training else (m["min_size"],)


def learning_rate(o, step, total_steps):
    """LearningRateSchedule.At(step) of src/Microsoft.ML.MaskRcnn/Training/LearningRateSchedule.cs."""
    warmup = 1.0
    warmup_steps = min(o["warmup_steps"], math.floor(o["max_warmup_fraction"] * total_steps))
    if step < warmup_steps:
        alpha = step / warmup_steps
        warmup = o["warmup_factor"] * (1 - alpha) + alpha
    if o["decay"] == "Step":
        # .NET's Math.Round rounds half to even, as Python's round.
        milestones = sorted(int(round(f * total_steps)) for f in o["step_milestones"])
        decay = o["step_gamma"] ** sum(1 for ms in milestones if ms <= step)
    else:
        span = max(total_steps - warmup_steps, 1)
        t = min(max((step - warmup_steps) / span, 0.0), 1.0)
        minimum = o["min_learning_rate_factor"]
        decay = minimum + (1 - minimum) * 0.5 * (1 + math.cos(math.pi * t))
    return o["learning_rate"] * warmup * decay


class Dataset:
    """The exported images (decoded once, as our trainer's loader decodes ahead of the training step)."""

    def __init__(self, path, part):
        root = os.path.dirname(path)
        with open(path) as f:
            spec = json.load(f)
        self.label_to_category = {c["label"]: c["id"] for c in spec["categories"]}
        self.entries = spec[part]
        self.images = []
        self.targets = []
        for e in self.entries:
            image = np.array(Image.open(os.path.join(root, e["file"])).convert("RGB"))
            if image.shape[:2] != (e["height"], e["width"]):
                raise ValueError(f"{e['file']}: {image.shape} is not {e['height']}x{e['width']}")
            self.images.append(image)
            instances = [i for i in e["instances"] if not i["iscrowd"]]
            if part == "train":
                ids = np.asarray(Image.open(os.path.join(root, e["mask"])))
                masks = np.stack([ids == i["value"] for i in instances]).astype(np.uint8) if instances else \
                    np.zeros((0, e["height"], e["width"]), np.uint8)
                boxes = np.asarray([i["box"] for i in instances], np.float32).reshape(-1, 4)
                labels = np.asarray([i["label"] for i in instances], np.int64)
                self.targets.append((boxes, labels, masks))

    def sample(self, index, flip):
        image = self.images[index]
        boxes, labels, masks = self.targets[index]
        if flip:
            w = image.shape[1]
            image = image[:, ::-1]
            masks = masks[:, :, ::-1]
            boxes = np.stack([w - boxes[:, 2], boxes[:, 1], w - boxes[:, 0], boxes[:, 3]], 1) if len(boxes) else boxes
        tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1).float().div_(255)
        target = {"boxes": torch.from_numpy(np.ascontiguousarray(boxes, np.float32)),
                  "labels": torch.from_numpy(labels),
                  "masks": torch.from_numpy(np.ascontiguousarray(masks))}
        return tensor, target


def rle_counts(mask):
    """COCO's uncompressed RLE of a binary [H, W] mask: run lengths in column-major order, starting with zeros."""
    flat = np.asarray(mask, np.uint8).reshape(-1, order="F")
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    counts = np.diff(np.concatenate(([0], change, [flat.size]))).tolist()
    if flat.size and flat[0]:
        counts = [0] + counts
    return counts


def predict(model, data, threshold, path):
    results = []
    with torch.no_grad():
        for e, image in zip(data.entries, data.images):
            tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1).float().div_(255)
            out = model([tensor])[0]
            masks = (out["masks"][:, 0] > threshold).numpy()
            for box, label, score, mask in zip(out["boxes"].tolist(), out["labels"].tolist(), out["scores"].tolist(), masks):
                x0, y0, x1, y1 = box
                results.append({"image_id": e["image_id"], "category_id": data.label_to_category[label],
                                "bbox": [x0, y0, x1 - x0, y1 - y0], "score": score,
                                "segmentation": {"size": [e["height"], e["width"]], "counts": rle_counts(mask)}})
    with open(path, "w") as f:
        json.dump(results, f)


def load_backbone(model, index_path):
    """The backbone body's tensors written by the C# side (float32 raw file plus a JSON index of key, shape, offset)."""
    with open(index_path) as f:
        index = json.load(f)
    raw = np.fromfile(os.path.join(os.path.dirname(index_path), index["data"]), dtype="<f4")
    state = {e["key"]: torch.from_numpy(raw[e["offset"]:e["offset"] + int(np.prod(e["shape"]))].reshape(e["shape"]).copy())
             for e in index["tensors"]}
    result = model.load_state_dict(state, strict=False)
    body_missing = [k for k in result.missing_keys if k.startswith("backbone.body.") and not k.endswith("num_batches_tracked")]
    if result.unexpected_keys or body_missing:
        raise ValueError(f"backbone weights do not fit: unexpected {result.unexpected_keys}, missing {body_missing}")
    print(f"# backbone body initialised from {index_path} ({len(state)} tensors)", file=sys.stderr, flush=True)


def main():
    with open(sys.argv[1]) as f:
        recipe = json.load(f)
    o = recipe["options"]
    m = o["model"]
    out = recipe["output"]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(o["threads"])
    torch.manual_seed(o["seed"])

    model = build_model(m)
    if recipe.get("initial_weights"):
        model.load_state_dict(torch.load(recipe["initial_weights"]))
    if recipe.get("backbone_weights"):
        load_backbone(model, recipe["backbone_weights"])
    if recipe.get("save_initial_weights"):
        torch.save(model.state_dict(), os.path.join(out, "initial_weights.pth"))
    train = Dataset(recipe["dataset"], "train")
    validation = Dataset(recipe["dataset"], "validation")
    params = [p for p in model.parameters() if p.requires_grad]
    print("parameters", sum(p.numel() for p in params), flush=True)
    optimizer = torch.optim.SGD(params, lr=o["learning_rate"], momentum=o["momentum"], weight_decay=o["weight_decay"])
    total = recipe["total_steps"]
    schedule = recipe["schedule"]
    every = recipe.get("evaluate_every", 0)
    if len(schedule) < total:
        raise ValueError(f"the schedule has {len(schedule)} batches for {total} steps")

    step_seconds, eval_seconds = [], 0.0
    log = open(os.path.join(out, "losses.jsonl"), "w")
    model.train()
    set_eval_size(model, m, True)
    for step in range(total):
        lr = learning_rate(o, step, total)
        for group in optimizer.param_groups:
            group["lr"] = lr
        start = time.perf_counter()
        batch = [train.sample(i, flip) for i, flip in schedule[step]]
        losses = model([b[0] for b in batch], [b[1] for b in batch])
        values = {k: float(v) for k, v in losses.items()}
        bad = [k for k, v in values.items() if not math.isfinite(v)]
        if bad:
            raise RuntimeError(f"training diverged at step {step + 1}: {bad[0]} = {values[bad[0]]}")
        optimizer.zero_grad()
        sum(losses.values()).backward()
        if o["gradient_clip_norm"] > 0:
            nn.utils.clip_grad_norm_(params, o["gradient_clip_norm"])
        optimizer.step()
        step_seconds.append(time.perf_counter() - start)
        values["loss"] = sum(values.values())
        values["step"] = step + 1
        values["lr"] = lr
        values["seconds"] = step_seconds[-1]
        log.write(json.dumps(values) + "\n")
        if (step + 1) % 50 == 0:
            log.flush()
            print(f"# step {step + 1}/{total} loss {values['loss']:.4f} {statistics.median(step_seconds[-50:]):.3f} s/step",
                  file=sys.stderr, flush=True)
        if (every > 0 and (step + 1) % every == 0) or step + 1 == total:
            start = time.perf_counter()
            model.eval()
            set_eval_size(model, m, False)
            predict(model, validation, m["mask_threshold"], os.path.join(out, f"results_{step + 1}.json"))
            model.train()
            set_eval_size(model, m, True)
            eval_seconds += time.perf_counter() - start
    log.close()
    timed = step_seconds[WARMUP_STEPS_FOR_TIMING:] or step_seconds
    print("steps", total)
    print("seconds_per_step", statistics.median(timed))
    print("mean_seconds_per_step", statistics.fmean(timed))
    print("train_seconds", sum(step_seconds))
    print("eval_seconds", eval_seconds)


if __name__ == "__main__":
    main()
