"""torchvision's Mask R-CNN, initialised from our export, trained with DistributedDataParallel on Penn-Fudan.

usage: /usr/bin/python3 torchvision_ddp_pennfudan.py OUTPUT_DIR BUILDER.py INIT.pth PENNFUDAN_DIR STEPS IMAGES CONTENT_HASH
Two processes (gloo backend, loopback only), one image per process per step, plain SGD (lr 0.005, momentum 0.9): each
process builds BUILDER.py's build_model(), loads INIT.pth (strict), wraps it in DistributedDataParallel and takes STEPS
steps over Penn-Fudan's first IMAGES images (sorted by name; process r takes images r, r + 2, ...). Process 0 then
writes, in eval mode on the first two images:
  trained.pth    - torch.save(model.state_dict())
  detections.dat - labels<i>, boxes<i>, scores<i>, masks<i> of image i, and the images as tensors (image<i>)
  train.txt      - per step and process, the loss, and whether the two processes' weights agreed after the step
CONTENT_HASH only keys the test's cache on the inputs' bytes.
"""
import os
import socket
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from PIL import Image
from torch.nn.parallel import DistributedDataParallel

from reference_io import write_tensors


def load(root, name):
    image = torch.from_numpy(np.array(Image.open(os.path.join(root, "PNGImages", name)).convert("RGB"))).permute(2, 0, 1).float() / 255
    ids = np.array(Image.open(os.path.join(root, "PedMasks", name[:-4] + "_mask.png")))
    instances = [i for i in np.unique(ids) if i != 0]
    masks = torch.from_numpy(np.stack([ids == i for i in instances])).to(torch.uint8)
    boxes = []
    for m in masks:
        ys, xs = torch.where(m > 0)
        boxes.append([xs.min().item(), ys.min().item(), xs.max().item() + 1, ys.max().item() + 1])
    target = {"boxes": torch.tensor(boxes, dtype=torch.float32), "labels": torch.ones(len(instances), dtype=torch.int64), "masks": masks}
    return image, target


def run(rank, world, port, out_dir, builder_path, init, root, steps, count):
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.set_num_threads(1)
    torch.manual_seed(rank)
    namespace = {}
    with open(builder_path) as f:
        exec(f.read(), namespace)
    model = namespace["build_model"]()
    model.load_state_dict(torch.load(init), strict=True)
    model.train()
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.SGD([p for p in ddp.parameters() if p.requires_grad], lr=0.005, momentum=0.9)
    names = sorted(os.listdir(os.path.join(root, "PNGImages")))[:count]
    log = []
    for step in range(steps):
        image, target = load(root, names[(2 * step + rank) % len(names)])
        losses = ddp([image], [target])
        loss = sum(losses.values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        # DDP averages gradients across processes, so the replicas stay identical step after step.
        flat = torch.cat([p.detach().flatten() for p in model.parameters()])
        gathered = [torch.zeros_like(flat) for _ in range(world)]
        dist.all_gather(gathered, flat)
        log.append(f"step {step + 1} rank {rank} loss {loss.item():.6f} replicas_equal {int(all(torch.equal(g, gathered[0]) for g in gathered))}")
    logs = [None] * world
    dist.all_gather_object(logs, log)
    if rank == 0:
        model.eval()
        tensors = {}
        with torch.no_grad():
            for i in range(2):
                image, _ = load(root, names[i])
                d = model([image])[0]
                tensors.update({f"image{i}": image, f"labels{i}": d["labels"], f"boxes{i}": d["boxes"], f"scores{i}": d["scores"], f"masks{i}": d["masks"]})
        write_tensors(os.path.join(out_dir, "detections.dat"), tensors)
        torch.save(model.state_dict(), os.path.join(out_dir, "trained.pth"))
        with open(os.path.join(out_dir, "train.txt"), "w") as f:
            f.write("\n".join(line for lines in logs for line in lines) + "\n")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    out_dir, builder_path, init, root, steps, count = sys.argv[1:7]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(run, args=(2, port, out_dir, builder_path, init, root, int(steps), int(count)), nprocs=2, join=True)
