"""A state dict exported by TorchvisionExporter, in the torchvision model its Python builder makes.

usage: /usr/bin/python3 torchvision_export_roundtrip.py OUTPUT_DIR BUILDER.py MODEL.pth IMAGE.pth CONTENT_HASH
Builds the model with BUILDER.py's build_model(), loads MODEL.pth with torch.load and load_state_dict(strict=True),
detects on IMAGE.pth's "image" ([3, H, W] in [0, 1]) in eval mode, and writes:
  detections.dat - labels, boxes, scores and pasted mask probabilities of that image
  roundtrip.pth  - torch.save(model.state_dict()), for the C# side to read back
With BUILDER.py alone (MODEL.pth "-"): compares the built model with the one maskrcnn_resnet50_fpn(weights="DEFAULT")
builds before it loads the COCO weights (a frozen-batch-norm ResNet-50, 3 trainable stages, 91 classes) and writes
  r50_check.txt  - "same" when the state dict keys, shapes and every setting listed below agree, else the first difference
CONTENT_HASH only keys the test's cache on the inputs' bytes.
"""
import sys

import torch
import torchvision

from reference_io import write_tensors

out_dir, builder_path, pth, image_path = sys.argv[1:5]
torch.set_num_threads(1)
torch.manual_seed(0)
namespace = {}
with open(builder_path) as f:
    exec(f.read(), namespace)
model = namespace["build_model"]()

if pth == "-":
    # What maskrcnn_resnet50_fpn does with weights given, without downloading them.
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops.misc import FrozenBatchNorm2d
    body = torchvision.models.resnet50(weights=None, norm_layer=FrozenBatchNorm2d)
    reference = torchvision.models.detection.MaskRCNN(_resnet_fpn_extractor(body, 3), num_classes=91)
    ours, theirs = model.state_dict(), reference.state_dict()
    verdict = "same"
    if list(ours.keys()) != list(theirs.keys()):
        verdict = f"keys differ: {sorted(set(ours) ^ set(theirs))[:5]}"
    else:
        for key in ours:
            if ours[key].shape != theirs[key].shape:
                verdict = f"{key}: {tuple(ours[key].shape)} against {tuple(theirs[key].shape)}"
                break
    settings = [
        ("transform.min_size", lambda m: m.transform.min_size), ("transform.max_size", lambda m: m.transform.max_size),
        ("transform.image_mean", lambda m: m.transform.image_mean), ("transform.image_std", lambda m: m.transform.image_std),
        ("anchor sizes", lambda m: m.rpn.anchor_generator.sizes), ("aspect ratios", lambda m: m.rpn.anchor_generator.aspect_ratios),
        ("rpn pre nms", lambda m: dict(m.rpn._pre_nms_top_n)), ("rpn post nms", lambda m: dict(m.rpn._post_nms_top_n)),
        ("rpn nms", lambda m: m.rpn.nms_thresh), ("rpn score", lambda m: m.rpn.score_thresh), ("rpn min size", lambda m: m.rpn.min_size),
        ("rpn matcher", lambda m: (m.rpn.proposal_matcher.high_threshold, m.rpn.proposal_matcher.low_threshold)),
        ("rpn sampler", lambda m: (m.rpn.fg_bg_sampler.batch_size_per_image, m.rpn.fg_bg_sampler.positive_fraction)),
        ("box score", lambda m: m.roi_heads.score_thresh), ("box nms", lambda m: m.roi_heads.nms_thresh),
        ("detections", lambda m: m.roi_heads.detections_per_img), ("box coder", lambda m: m.roi_heads.box_coder.weights),
        ("box matcher", lambda m: (m.roi_heads.proposal_matcher.high_threshold, m.roi_heads.proposal_matcher.low_threshold)),
        ("box sampler", lambda m: (m.roi_heads.fg_bg_sampler.batch_size_per_image, m.roi_heads.fg_bg_sampler.positive_fraction)),
        ("frozen parameters", lambda m: sorted(n for n, p in m.named_parameters() if not p.requires_grad)),
        ("norm layers", lambda m: sorted({type(x).__name__ for x in m.backbone.body.modules()})),
    ]
    for name, get in settings:
        if verdict == "same" and get(model) != get(reference):
            verdict = f"{name}: {get(model)} against {get(reference)}"
    with open(f"{out_dir}/r50_check.txt", "w") as f:
        f.write(verdict)
    sys.exit(0)

model.load_state_dict(torch.load(pth), strict=True)
model.eval()
image = torch.load(image_path)["image"]
with torch.no_grad():
    detections = model([image])[0]
write_tensors(f"{out_dir}/detections.dat", {k: detections[k] for k in ("labels", "boxes", "scores", "masks")})
torch.save(model.state_dict(), f"{out_dir}/roundtrip.pth")
