"""A small CNN in PyTorch: its state dict (TorchSharp .dat layout), an input, and its outputs and gradients.

usage: /usr/bin/python3 module_reference.py OUTPUT_DIR
Writes OUTPUT_DIR/small_cnn.dat (the state dict, keys exactly as PyTorch names them) and
OUTPUT_DIR/small_cnn_io.dat (input, eval and train outputs, gradients, running stats after one train step).
"""
import os
import sys

import torch
from torch import nn

from reference_io import write_tensors

torch.set_num_threads(1)
torch.manual_seed(3)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(8 * 4 * 4, 5)
        self.deconv = nn.ConvTranspose2d(8, 2, 2, stride=2)

    def forward(self, x):
        f = self.features(x)
        return self.head(f.flatten(1)), self.deconv(f)


model = SmallCnn()
with torch.no_grad():  # non-trivial running statistics
    model.features[1].running_mean.uniform_(-0.5, 0.5)
    model.features[1].running_var.uniform_(0.5, 1.5)
x = torch.randn(2, 3, 8, 8)
write_tensors(os.path.join(sys.argv[1], "small_cnn.dat"), model.state_dict())

model.eval()
with torch.no_grad():
    eval_logits, eval_map = model(x)
model.train()
logits, fmap = model(x)
(logits.square().sum() + fmap.sum()).backward()
io = {
    "x": x, "eval_logits": eval_logits, "eval_map": eval_map, "train_logits": logits.detach(), "train_map": fmap.detach(),
    "grad_conv_weight": model.features[0].weight.grad, "grad_head_bias": model.head.bias.grad,
    "grad_deconv_weight": model.deconv.weight.grad, "running_mean_after": model.features[1].running_mean,
    "running_var_after": model.features[1].running_var, "batches_after": model.features[1].num_batches_tracked,
}
write_tensors(os.path.join(sys.argv[1], "small_cnn_io.dat"), io)
