"""torch.save'd torchvision Mask R-CNN state dicts, as users bring them, for loading tests.

usage: /usr/bin/python3 maskrcnn_checkpoint_reference.py OUTPUT_DIR
Writes (ResNet-18 backbones, to stay small):
  frozen.pth     - resnet_fpn_backbone default (FrozenBatchNorm2d: the layout of torchvision's pretrained weights), 91 classes
  batchnorm.pth  - trainable BatchNorm2d backbone (torchvision's from-scratch layout, with num_batches_tracked), 91 classes
  training.pth   - a training checkpoint {"model", "optimizer", "epoch"} of the frozen model with 3 classes
  probe.dat      - an input image and the frozen 91-class model's first FPN level on it (reference_io layout)
"""
import os
import sys

import torch
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

from reference_io import write_tensors

out = sys.argv[1]
torch.manual_seed(0)


def model(num_classes, norm_layer=None):
    kwargs = {} if norm_layer is None else {"norm_layer": norm_layer}
    backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=5, **kwargs)
    return MaskRCNN(backbone, num_classes=num_classes)


frozen = model(91)
torch.save(frozen.state_dict(), os.path.join(out, "frozen.pth"))
torch.save(model(91, torch.nn.BatchNorm2d).state_dict(), os.path.join(out, "batchnorm.pth"))
three = model(3)
optimizer = torch.optim.SGD(three.parameters(), lr=0.01, momentum=0.9)
torch.save({"model": three.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 7}, os.path.join(out, "training.pth"))

frozen.eval()
image = torch.rand(3, 64, 96, generator=torch.Generator().manual_seed(2))
with torch.no_grad():
    batch, _ = frozen.transform([image])
    p2 = frozen.backbone(batch.tensors)["0"]
write_tensors(os.path.join(out, "probe.dat"), {"batch": batch.tensors, "p2": p2})
