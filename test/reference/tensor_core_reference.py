"""Reference values for the TorchSharp-compatible subset, computed by PyTorch on the same libtorch.

usage: /usr/bin/python3 tensor_core_reference.py OUTPUT_DIR
Writes OUTPUT_DIR/tensor_core.dat: inputs under "in/...", expected results under "out/...".
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

from reference_io import write_tensors

torch.set_num_threads(1)
out = {}
g = torch.Generator().manual_seed(1234)


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=g, dtype=dtype)


x = rnd(3, 4)
y = rnd(3, 4)
yp = rnd(3, 4).abs() + 0.5
b = rnd(4)
out.update({"in/x": x, "in/y": y, "in/yp": yp, "in/b": b})

# ---- element-wise -------------------------------------------------------------------------------
ew = {
    "add": x + y, "add_alpha": torch.add(x, y, alpha=2.5), "sub": x - y, "mul": x * y, "div": x / yp,
    "div_floor": torch.div(x, yp, rounding_mode="floor"), "div_trunc": torch.div(x, yp, rounding_mode="trunc"),
    "pow_scalar": yp.pow(1.7), "pow_tensor": yp.pow(y), "neg": -x, "exp": x.exp(), "log": yp.log(),
    "sqrt": yp.sqrt(), "rsqrt": yp.rsqrt(), "sigmoid": x.sigmoid(), "tanh": x.tanh(), "relu": x.relu(),
    "floor": (x * 3).floor(), "ceil": (x * 3).ceil(), "round": (x * 3).round(), "round_decimals": torch.round(x * 10, decimals=1),
    "abs": x.abs(), "sign": x.sign(), "clamp": x.clamp(-0.5, 0.5), "clamp_min": x.clamp(min=0.1),
    "maximum": torch.maximum(x, y), "minimum": torch.minimum(x, y), "atan2": torch.atan2(x, y),
    "remainder": torch.remainder(x, 0.7), "rsub": 3 - x, "rdiv": 2 / yp, "broadcast_add": x + b,
    "where": torch.where(x > 0, x, y), "gt": (x > y).float(), "le_scalar": (x <= 0.25).float(),
    "logical_and": ((x > 0) & (y > 0)).float(), "log1p": yp.log1p(), "expm1": x.expm1(), "square": x.square(),
    "reciprocal": yp.reciprocal(), "erf": x.erf(), "lerp": torch.lerp(x, y, 0.3),
}
for k, v in ew.items():
    out["out/ew/" + k] = v

# ---- reductions and ordering --------------------------------------------------------------------------
values, indices = x.max(dim=1)
minv, mini = x.min(dim=0, keepdim=True)
sv, si = torch.sort(x, dim=1, descending=True)
tv, ti = torch.topk(x.flatten(), 5)
red = {
    "sum": x.sum(), "sum_dim1": x.sum(1), "sum_keepdim": x.sum(0, keepdim=True), "mean": x.mean(),
    "mean_dims": x.mean((0, 1)), "max": x.max(), "max_dim_values": values, "max_dim_indices": indices,
    "min_dim_values": minv, "min_dim_indices": mini, "argmax": x.argmax(), "argmin_dim": x.argmin(1),
    "cumsum": x.cumsum(1), "prod": yp.prod(), "std": x.std(), "var_dim": x.var(1), "logsumexp": x.logsumexp(1),
    "amax": x.amax(1), "sort_values": sv, "sort_indices": si, "argsort": x.argsort(0), "topk_values": tv,
    "topk_indices": ti, "nonzero": (x > 0).nonzero(), "any": (x > 2).any(), "all_dim": (yp > 0.6).all(1),
    "unique": torch.unique(torch.tensor([3, 1, 2, 3, 1, 5])), "norm": x.norm(),
}
for k, v in red.items():
    out["out/red/" + k] = v

# ---- shape --------------------------------------------------------------------------------------
t = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
idx = torch.tensor([2, 0, 2])
gidx = torch.tensor([[0, 3], [1, 1], [2, 0]])
mask = x > 0
s1, s2 = torch.split(x, [1, 3], dim=1)
sh = {
    "view": t.view(6, 4), "reshape": t.reshape(4, -1), "permute": t.permute(2, 0, 1), "transpose": t.transpose(0, 2),
    "flatten": t.flatten(1), "unsqueeze": x.unsqueeze(1), "squeeze": x.unsqueeze(0).squeeze(), "expand": b.expand(3, 4),
    "repeat": b.repeat(2, 3), "narrow": t.narrow(2, 1, 2), "select": t.select(1, 2), "index_select": x.index_select(0, idx),
    "gather": x.gather(1, gidx), "masked_select": x.masked_select(mask), "masked_fill": x.masked_fill(mask, -1.0),
    "cat": torch.cat([x, y], 0), "stack": torch.stack([x, y], 1), "split_0": s1, "split_1": s2,
    "chunk_1": torch.chunk(t, 2, dim=2)[1], "flip": t.flip(0, 2), "roll": x.roll(1, 1), "tril": x.tril(), "triu": x.triu(1),
    "meshgrid_0": torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")[0],
    "meshgrid_xy_1": torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy")[1],
    "repeat_interleave": torch.repeat_interleave(b, 2), "repeat_interleave_dim": torch.repeat_interleave(x, 2, dim=0),
    "t": x.t(), "movedim": t.movedim(0, 2),
}
for k, v in sh.items():
    out["out/shape/" + k] = v

# ---- indexing (reads and writes) -------------------------------------------------------------------------
ix = {
    "int": t[1], "colon_int": t[:, 1], "slice_step": t[:, 1:3, ::2], "ellipsis_last": t[..., -1],
    "none": t[None, 1].contiguous(), "mask": x[mask], "tensor": x[idx], "two_tensors": x[idx, torch.tensor([0, 1, 3])],
    "negative_slice": t[:, -2:], "bool_true": x[True].contiguous(),
}
for k, v in ix.items():
    out["out/index/" + k] = v
w = x.clone(); w[1:3, 0] = 5.0; out["out/write/slice_scalar"] = w
w = x.clone(); w[mask] = 0.0; out["out/write/mask_scalar"] = w
w = x.clone(); w[idx] = torch.ones(3, 4) * 7; out["out/write/index_tensor"] = w
w = torch.zeros(5); w.index_put_((torch.tensor([0, 2, 0, 4]),), torch.tensor([1.0, 2.0, 3.0, 4.0]), accumulate=True)
out["out/write/accumulate"] = w
w = t.clone(); w[..., 1] = torch.tensor([9.0, 8.0, 7.0]); out["out/write/ellipsis_broadcast"] = w

# ---- linear algebra ----------------------------------------------------------------------------------
m1, m2 = rnd(5, 7), rnd(7, 3)
b1, b2 = rnd(2, 5, 7), rnd(2, 7, 3)
out.update({"in/m1": m1, "in/m2": m2, "in/b1": b1, "in/b2": b2,
            "out/la/mm": m1 @ m2, "out/la/bmm": torch.bmm(b1, b2), "out/la/matmul_broadcast": torch.matmul(b1, m2)})

# ---- nn.functional --------------------------------------------------------------------------------
img = rnd(2, 3, 9, 11)
wc = rnd(4, 3, 3, 3) * 0.2
bc = rnd(4)
wg = rnd(4, 1, 3, 3) * 0.2
img4 = rnd(2, 4, 6, 7)
wt = rnd(4, 2, 2, 2) * 0.2
lw, lb = rnd(6, 11) * 0.3, rnd(6)
rm, rv = rnd(4) * 0.1, rnd(4).abs() + 0.5
gamma, beta = rnd(4), rnd(4)
logits = rnd(6, 5)
target = torch.tensor([0, 4, 2, 2, 1, 3])
cw = torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0])
bin_t = (rnd(6, 5) > 0).float()
pw = torch.tensor([2.0, 1.0, 0.5, 1.0, 1.5])
reg_a, reg_b = rnd(20), rnd(20)
out.update({"in/img": img, "in/wc": wc, "in/bc": bc, "in/wg": wg, "in/img4": img4, "in/wt": wt, "in/lw": lw, "in/lb": lb,
            "in/rm": rm, "in/rv": rv, "in/gamma": gamma, "in/beta": beta, "in/logits": logits, "in/target": target,
            "in/cw": cw, "in/bin_t": bin_t, "in/pw": pw, "in/reg_a": reg_a, "in/reg_b": reg_b})
rm_train, rv_train = rm.clone(), rv.clone()
bn_train = F.batch_norm(img4, rm_train, rv_train, gamma, beta, training=True, momentum=0.1, eps=1e-5)
fn = {
    "conv2d": F.conv2d(img, wc, bc, stride=2, padding=1),
    "conv2d_dilated": F.conv2d(img, wc, None, stride=1, padding=2, dilation=2),
    "conv2d_groups": F.conv2d(img4, wg, None, padding=1, groups=4),
    "conv_transpose2d": F.conv_transpose2d(img4, wt, None, stride=2),
    "conv_transpose2d_padded": F.conv_transpose2d(img4, wt, bc[:2], stride=2, padding=1, output_padding=1),
    "linear": F.linear(img, lw, lb),
    "batch_norm_eval": F.batch_norm(img4, rm, rv, gamma, beta, training=False, eps=1e-5),
    "batch_norm_train": bn_train, "batch_norm_train_running_mean": rm_train, "batch_norm_train_running_var": rv_train,
    "max_pool2d": F.max_pool2d(img, 3, 2, 1), "max_pool2d_ceil": F.max_pool2d(img, 2, 2, ceil_mode=True),
    "avg_pool2d": F.avg_pool2d(img, 2), "adaptive_avg_pool2d": F.adaptive_avg_pool2d(img, (3, 2)),
    "interp_nearest_size": F.interpolate(img, size=(5, 13), mode="nearest"),
    "interp_nearest_scale": F.interpolate(img, scale_factor=2.0, mode="nearest"),
    "interp_bilinear": F.interpolate(img, size=(14, 5), mode="bilinear", align_corners=False),
    "interp_bilinear_corners": F.interpolate(img, size=(14, 5), mode="bilinear", align_corners=True),
    "interp_bilinear_scale": F.interpolate(img, scale_factor=1.5, mode="bilinear", align_corners=False),
    "softmax": F.softmax(logits, 1), "log_softmax": F.log_softmax(logits, 1),
    "cross_entropy": F.cross_entropy(logits, target),
    "cross_entropy_weighted": F.cross_entropy(logits, target, weight=cw, ignore_index=2, label_smoothing=0.1),
    "cross_entropy_none": F.cross_entropy(logits, target, reduction="none"),
    "bce_logits": F.binary_cross_entropy_with_logits(logits, bin_t),
    "bce_logits_pos_weight_sum": F.binary_cross_entropy_with_logits(logits, bin_t, pos_weight=pw, reduction="sum"),
    "smooth_l1": F.smooth_l1_loss(reg_a, reg_b, beta=1.0 / 9, reduction="sum"), "l1": F.l1_loss(reg_a, reg_b),
    "mse": F.mse_loss(reg_a, reg_b), "nll": F.nll_loss(F.log_softmax(logits, 1), target),
    "pad_reflect": F.pad(img, (1, 2, 2, 1), mode="reflect"), "pad_constant": F.pad(img, (1, 1, 0, 2), value=0.5),
    "one_hot": F.one_hot(target, 5), "group_norm": F.group_norm(img4, 2, gamma, beta),
}
for k, v in fn.items():
    out["out/fn/" + k] = v

# ---- autograd ---------------------------------------------------------------------------------------
ax = rnd(4, 6).requires_grad_()
aw = rnd(6, 3).requires_grad_()
ab = rnd(3).requires_grad_()
out.update({"in/ag_x": ax.detach(), "in/ag_w": aw.detach(), "in/ag_b": ab.detach()})
loss = (torch.sigmoid(ax @ aw + ab) * torch.arange(1.0, 4.0)).sum()
loss.backward()
out.update({"out/ag/loss": loss.detach(), "out/ag/dx": ax.grad, "out/ag/dw": aw.grad, "out/ag/db": ab.grad})
cimg = img.clone().requires_grad_()
cw2 = wc.clone().requires_grad_()
y2 = F.max_pool2d(F.relu(F.conv2d(cimg, cw2, None, padding=1)), 2)
y2 = F.interpolate(y2, size=(9, 11), mode="bilinear", align_corners=False)
l2 = F.smooth_l1_loss(y2, torch.zeros_like(y2), beta=0.5)
l2.backward()
out.update({"out/ag/conv_loss": l2.detach(), "out/ag/conv_dimg": cimg.grad, "out/ag/conv_dw": cw2.grad})

# ---- optimizer ---------------------------------------------------------------------------------------
p0 = rnd(5)
grads = [rnd(5) for _ in range(4)]
out["in/sgd_p0"] = p0
for i, gr in enumerate(grads):
    out[f"in/sgd_g{i}"] = gr
configs = {
    "plain": dict(lr=0.1), "momentum": dict(lr=0.1, momentum=0.9), "nesterov": dict(lr=0.05, momentum=0.8, nesterov=True),
    "decay": dict(lr=0.1, momentum=0.9, weight_decay=0.01), "dampening": dict(lr=0.1, momentum=0.5, dampening=0.3),
    "maximize": dict(lr=0.1, momentum=0.9, weight_decay=0.01, maximize=True),
}
for name, cfg in configs.items():
    p = torch.nn.Parameter(p0.clone())
    opt = torch.optim.SGD([p], **cfg)
    for gr in grads:
        p.grad = gr.clone()
        opt.step()
    out["out/sgd/" + name] = p.detach()


def schedule(make, steps=8):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.5)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return torch.tensor(lrs, dtype=torch.float64)


lr = torch.optim.lr_scheduler
out["out/lr/multistep"] = schedule(lambda o: lr.MultiStepLR(o, [2, 5], gamma=0.1))
out["out/lr/step"] = schedule(lambda o: lr.StepLR(o, 3, gamma=0.5))
out["out/lr/linear"] = schedule(lambda o: lr.LinearLR(o, start_factor=0.001, end_factor=1.0, total_iters=4))
out["out/lr/constant"] = schedule(lambda o: lr.ConstantLR(o, factor=0.25, total_iters=3))
out["out/lr/cosine"] = schedule(lambda o: lr.CosineAnnealingLR(o, T_max=5, eta_min=0.01), steps=12)
out["out/lr/lambda"] = schedule(lambda o: lr.LambdaLR(o, lambda e: 0.9 ** e))
out["out/lr/sequential"] = schedule(lambda o: lr.SequentialLR(
    o, [lr.LinearLR(o, start_factor=0.01, total_iters=3), lr.MultiStepLR(o, [3, 5], gamma=0.1)], milestones=[3]), steps=10)

# ---- random streams (same libtorch, same generator algorithm) -----------------------------------------
torch.manual_seed(42)
out["out/rand/rand"] = torch.rand(7)
out["out/rand/randn"] = torch.randn(2, 3)
out["out/rand/randint"] = torch.randint(0, 10, (6,))
out["out/rand/randperm"] = torch.randperm(9)
gen = torch.Generator().manual_seed(7)
out["out/rand/generator_normal"] = torch.empty(5).normal_(0.0, 2.0, generator=gen)

write_tensors(os.path.join(sys.argv[1], "tensor_core.dat"), out)
