"""Seeds of the checkpoint fuzz target: small PyTorch files of the kinds PyTorchCheckpoint reads, written by torch.save.

usage: /usr/bin/python3 make_checkpoint_seeds.py FOLDER
"""
import collections
import os
import sys

import torch


def main():
    folder = sys.argv[1]
    torch.manual_seed(3)
    state = collections.OrderedDict([
        ("conv.weight", torch.randn(2, 1, 3, 3)),
        ("conv.bias", torch.zeros(2)),
        ("bn.running_mean", torch.zeros(2, dtype=torch.float64)),
        ("bn.num_batches_tracked", torch.tensor(7)),
        ("half", torch.ones(3, dtype=torch.float16)),
    ])
    view = torch.arange(12.0).reshape(3, 4)
    state["strided"] = view.t()  # a non-contiguous view of a shared storage
    state["shared"] = view[1]
    torch.save(state, os.path.join(folder, "state-dict-zip.pth"))
    torch.save(state, os.path.join(folder, "state-dict-legacy.pth"), _use_new_zipfile_serialization=False)
    checkpoint = {"model": state, "epoch": 3, "lr": 0.02, "name": "run", "flags": [True, None], "sizes": (1, 2)}
    torch.save(checkpoint, os.path.join(folder, "checkpoint-zip.pth"))


if __name__ == "__main__":
    main()
