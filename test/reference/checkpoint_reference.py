"""Checkpoint files written by torch.save, and the tensors they hold written independently with reference_io,
for the C# checkpoint reader's tests (test/Microsoft.ML.MaskRcnn.Tests/Checkpoints).

    checkpoint_reference.py OUT            small checkpoints of every kind, bad files, and their expected tensors
    checkpoint_reference.py OUT maskrcnn   torchvision's maskrcnn_resnet50_fpn state dict (~170 MB) and a listing

The values the C# tests compare against that are not tensors are written in the test itself, from this script.
"""
import argparse
import collections
import io
import os
import sys
import zipfile

import torch
import torchvision
from torch import nn

from reference_io import write_tensors


def save_both(obj, out, name):
    """The zip format (the default) and the legacy format, as name.pth and name_legacy.pth."""
    torch.save(obj, os.path.join(out, name + ".pth"))
    torch.save(obj, os.path.join(out, name + "_legacy.pth"), _use_new_zipfile_serialization=False)


def randomize_buffers(model, generator):
    for name, buffer in model.named_buffers():
        if name.endswith("running_mean"):
            buffer.copy_(torch.randn(buffer.shape, generator=generator))
        elif name.endswith("running_var"):
            buffer.copy_(torch.rand(buffer.shape, generator=generator) + 0.5)
        elif name.endswith("num_batches_tracked"):
            buffer.fill_(7)


def rezip(source, target, rename=None, extra=None, drop=None):
    """Copies a zip checkpoint, renaming the records' top folder, adding records or dropping one."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            name = info.filename
            if drop is not None and name.endswith(drop):
                continue
            data = zin.read(name)
            if rename is not None:
                name = rename + "/" + name.split("/", 1)[1]
            zout.writestr(name, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


class Evil:
    """Unpickling this would run a shell command: the reader must refuse it by name."""

    def __reduce__(self):
        return (os.system, ("echo this must never run",))


class Config:
    def __init__(self):
        self.depth = 50


class PredictorModel(nn.Module):
    """Field names as torchvision's Mask R-CNN, tiny sizes; the C# test module mirrors it."""

    def __init__(self, num_classes):
        super().__init__()
        self.backbone = nn.Module()
        self.backbone.body = nn.Module()
        self.backbone.body.conv1 = nn.Conv2d(3, 8, 3, bias=False)
        self.backbone.body.bn1 = nn.BatchNorm2d(8)
        self.roi_heads = nn.Module()
        self.roi_heads.box_predictor = nn.Module()
        self.roi_heads.box_predictor.cls_score = nn.Linear(16, num_classes)
        self.roi_heads.box_predictor.bbox_pred = nn.Linear(16, num_classes * 4)
        self.roi_heads.mask_predictor = nn.Module()
        self.roi_heads.mask_predictor.conv5_mask = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.roi_heads.mask_predictor.mask_fcn_logits = nn.Conv2d(8, num_classes, 1)


def small_model():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))


def main_files(out):
    g = torch.Generator().manual_seed(20240601)
    torch.manual_seed(1)

    # A real torchvision state dict: resnet18's key names, batch-norm statistics and num_batches_tracked.
    resnet = torchvision.models.resnet18(weights=None)
    randomize_buffers(resnet, g)
    torch.save(resnet.state_dict(), os.path.join(out, "resnet18.pth"))
    write_tensors(os.path.join(out, "resnet18.dat"), resnet.state_dict())

    # A training checkpoint as torchvision's detection reference script writes it.
    model = small_model()
    randomize_buffers(model, g)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[16, 22], gamma=0.1)
    loss = model(torch.randn(2, 3, 8, 8, generator=g)).square().sum()
    loss.backward()
    optimizer.step()
    scheduler.step()
    args = argparse.Namespace(data_path="/data/coco", model="maskrcnn_resnet50_fpn", device="cuda", batch_size=2,
                              lr=0.02, lr_steps=[16, 22], weights=None, amp=False, aspect_ratio_group_factor=3)
    extras = {
        "device": torch.device("cuda", 0), "cpu": torch.device("cpu"), "dtype": torch.float16, "size": torch.Size([2, 3]),
        "set": {1, 2}, "frozen": frozenset(["a"]), "bytes": b"\x00\xffab", "big": 2 ** 70, "negative": -5, "float": 0.1,
        "tuple": (1, "a", None), "complex": 1 + 2j, "nested": {"list": [1, [2, 3]], (1, 2): "tuple key"},
    }
    training = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "lr_scheduler": scheduler.state_dict(),
                "epoch": 3, "args": args, "extras": extras}
    save_both(training, out, "training")
    expected = {"model/" + k: v for k, v in model.state_dict().items()}
    for index, state in optimizer.state_dict()["state"].items():
        expected[f"momentum/{index}"] = state["momentum_buffer"]
    write_tensors(os.path.join(out, "training.dat"), expected)

    # Tensors sharing one storage: slices with offsets, a transposed (non-contiguous) view, a strided view.
    base = torch.arange(24, dtype=torch.float32)
    views = {"base": base, "slice": base[4:10], "transposed": base.view(4, 6).t(), "strided": base[1::3],
             "row": base.view(2, 3, 4)[1], "element": base[5]}
    save_both(views, out, "views")
    expected = {}
    for name, t in views.items():
        expected[name] = t
        expected[name + "/stride"] = torch.tensor(t.stride(), dtype=torch.int64)
        expected[name + "/offset"] = torch.tensor(t.storage_offset(), dtype=torch.int64)
    write_tensors(os.path.join(out, "views.dat"), expected)

    # Every element type, a 0-dim tensor, empty tensors.
    dtypes = {
        "float32": torch.randn(3, 4, generator=g),
        "float64": torch.randn(5, generator=g, dtype=torch.float64),
        "float16": torch.randn(2, 3, generator=g).half(),
        "bfloat16": torch.randn(2, 3, generator=g).bfloat16(),
        "int64": torch.randint(-2 ** 40, 2 ** 40, (4,), generator=g),
        "int32": torch.randint(-2 ** 30, 2 ** 30, (2, 2), generator=g, dtype=torch.int32),
        "int16": torch.randint(-30000, 30000, (5,), generator=g, dtype=torch.int16),
        "int8": torch.randint(-128, 128, (6,), generator=g, dtype=torch.int8),
        "uint8": torch.randint(0, 256, (2, 3), generator=g, dtype=torch.uint8),
        "bool": torch.rand(7, generator=g) > 0.5,
        "scalar": torch.tensor(3.25),
        "scalar_int": torch.tensor(-42),
        "empty": torch.empty(0, 3),
        "empty_int": torch.empty(0, dtype=torch.int64),
    }
    save_both(dtypes, out, "dtypes")
    # reference_io has no float16/bfloat16/int8 codes: write those widened (exactly representable).
    widened = {"float16": torch.float32, "bfloat16": torch.float32, "int8": torch.int16}
    write_tensors(os.path.join(out, "dtypes.dat"), {k: v.to(widened.get(k, v.dtype)) for k, v in dtypes.items()})

    # Pickled parameters (not a state dict): requires_grad is kept.
    parameters = {"weight": nn.Parameter(torch.randn(3, generator=g)),
                  "frozen": nn.Parameter(torch.randn(2, generator=g), requires_grad=False)}
    torch.save(parameters, os.path.join(out, "parameters.pth"))

    # PyTorch 2.x layout (records under archive/, a byteorder record), and a big-endian one.
    rezip(os.path.join(out, "dtypes.pth"), os.path.join(out, "archive_layout.pth"), rename="archive",
          extra={"archive/byteorder": "little"})
    rezip(os.path.join(out, "dtypes.pth"), os.path.join(out, "big_endian.pth"), rename="archive",
          extra={"archive/byteorder": "big"})

    # Mask R-CNN-like names for the loader: 91 classes on disk, the C# module has fewer.
    predictor = PredictorModel(91)
    randomize_buffers(predictor, g)
    torch.save(predictor.state_dict(), os.path.join(out, "predictor.pth"))
    write_tensors(os.path.join(out, "predictor.dat"), predictor.state_dict())

    # Bad files.
    with open(os.path.join(out, "training.pth"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.pth"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(out, "training_legacy.pth"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated_legacy.pth"), "wb") as f:
        f.write(data[: len(data) - 100])
    with open(os.path.join(out, "not_a_checkpoint.pth"), "w") as f:
        f.write("This is a text file, not a checkpoint.\n")
    open(os.path.join(out, "empty.pth"), "wb").close()
    with zipfile.ZipFile(os.path.join(out, "other.zip"), "w") as z:
        z.writestr("readme.txt", "hello")
    torch.save({"weight": torch.ones(2), "payload": Evil()}, os.path.join(out, "evil_system.pth"))
    torch.save({"weight": torch.ones(2), "config": Config()}, os.path.join(out, "custom_class.pth"))
    torch.save(small_model(), os.path.join(out, "whole_model.pth"))
    torch.jit.save(torch.jit.script(small_model()), os.path.join(out, "torchscript.pt"))
    torch.save({"epoch": 3, "note": "hello", "model": [1, 2]}, os.path.join(out, "no_state_dict.pth"))
    rezip(os.path.join(out, "dtypes.pth"), os.path.join(out, "missing_record.pth"), drop="/data/0")
    qt = torch.quantize_per_tensor(torch.randn(4, generator=g), 0.1, 0, torch.qint8)
    torch.save({"q": qt}, os.path.join(out, "quantized.pth"))


def maskrcnn_files(out):
    """torchvision's maskrcnn_resnet50_fpn state dict, and a listing: key, dtype, shape, sum, sum of absolute values.

    weights=None builds trainable BatchNorm2d (with num_batches_tracked); torchvision's pretrained COCO weights come
    from a model with FrozenBatchNorm2d (no num_batches_tracked). Both key listings are written."""
    from torchvision.models.detection import MaskRCNN, maskrcnn_resnet50_fpn
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops import misc

    torch.manual_seed(2)
    model = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None)
    randomize_buffers(model, torch.Generator().manual_seed(3))
    state = model.state_dict()
    torch.save(state, os.path.join(out, "maskrcnn.pth"))
    with open(os.path.join(out, "maskrcnn_listing.txt"), "w") as f:
        for key, t in state.items():
            d = t.double()
            f.write(f"{key}\t{str(t.dtype)[6:]}\t{','.join(map(str, t.shape))}\t{d.sum().item()!r}\t{d.abs().sum().item()!r}\n")

    frozen = MaskRCNN(_resnet_fpn_extractor(torchvision.models.resnet50(norm_layer=misc.FrozenBatchNorm2d), 3), 91)
    with open(os.path.join(out, "maskrcnn_pretrained_keys.txt"), "w") as f:
        for key, t in frozen.state_dict().items():
            f.write(f"{key}\t{','.join(map(str, t.shape))}\n")


if __name__ == "__main__":
    output = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "main"
    if mode == "maskrcnn":
        maskrcnn_files(output)
    else:
        main_files(output)
