using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Compat.Tests
{
    /// <summary>Each operation, run through the binding, against PyTorch's result for the same inputs.</summary>
    [TestClass]
    public class OpsMatchPyTorchTests
    {
        private static Tensor In(string name) => TestSetup.Reference["in/" + name];

        private static Tensor Out(string name) => TestSetup.Reference["out/" + name];

        [TestMethod]
        public void ElementwiseOperationsMatchPyTorch()
        {
            Tensor x = In("x"), y = In("y"), yp = In("yp"), b = In("b");
            var cases = new (string, Func<Tensor>)[]
            {
                ("add", () => x + y), ("add_alpha", () => torch.add(x, y, 2.5)), ("sub", () => x - y), ("mul", () => x * y),
                ("div", () => x / yp), ("div_floor", () => x.div(yp, RoundingMode.floor)), ("div_trunc", () => x.div(yp, RoundingMode.trunc)),
                ("pow_scalar", () => yp.pow(1.7)), ("pow_tensor", () => yp.pow(y)), ("neg", () => -x), ("exp", () => x.exp()),
                ("log", () => yp.log()), ("sqrt", () => yp.sqrt()), ("rsqrt", () => yp.rsqrt()), ("sigmoid", () => x.sigmoid()),
                ("tanh", () => x.tanh()), ("relu", () => x.relu()), ("floor", () => (x * 3).floor()), ("ceil", () => (x * 3).ceil()),
                ("round", () => (x * 3).round()), ("round_decimals", () => (x * 10).round(1)), ("abs", () => x.abs()), ("sign", () => x.sign()),
                ("clamp", () => x.clamp(-0.5, 0.5)), ("clamp_min", () => x.clamp(min: 0.1)), ("maximum", () => torch.maximum(x, y)),
                ("minimum", () => torch.minimum(x, y)), ("atan2", () => torch.atan2(x, y)), ("remainder", () => x % 0.7),
                ("rsub", () => 3 - x), ("rdiv", () => 2 / yp), ("broadcast_add", () => x + b), ("where", () => torch.where(x > 0, x, y)),
                ("gt", () => (x > y).@float()), ("le_scalar", () => (x <= 0.25).@float()), ("logical_and", () => ((x > 0) & (y > 0)).@float()),
                ("log1p", () => yp.log1p()), ("expm1", () => x.expm1()), ("square", () => x.square()), ("reciprocal", () => yp.reciprocal()),
                ("erf", () => x.erf()), ("lerp", () => x + (y - x) * 0.3),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("ew/" + n), atol: 1e-6, rtol: 1e-6);
        }

        [TestMethod]
        public void ReductionsAndOrderingMatchPyTorch()
        {
            Tensor x = In("x"), yp = In("yp");
            var cases = new (string, Func<Tensor>)[]
            {
                ("sum", () => x.sum()), ("sum_dim1", () => x.sum(1)), ("sum_keepdim", () => x.sum(0, true)), ("mean", () => x.mean()),
                ("mean_dims", () => x.mean(new long[] { 0, 1 })), ("max", () => x.max()), ("max_dim_values", () => x.max(1).values),
                ("max_dim_indices", () => x.max(1).indexes), ("min_dim_values", () => x.min(0, true).values),
                ("min_dim_indices", () => x.min(0, true).indexes), ("argmax", () => x.argmax()), ("argmin_dim", () => x.argmin(1)),
                ("cumsum", () => x.cumsum(1)), ("prod", () => yp.prod()), ("std", () => x.std()), ("var_dim", () => x.var(1)),
                ("logsumexp", () => x.logsumexp(1)), ("amax", () => x.amax(new long[] { 1 })),
                ("sort_values", () => x.sort(1, descending: true).Values), ("sort_indices", () => x.sort(1, descending: true).Indices),
                ("argsort", () => x.argsort(0)), ("topk_values", () => x.flatten().topk(5).values),
                ("topk_indices", () => x.flatten().topk(5).indexes), ("nonzero", () => (x > 0).nonzero()), ("any", () => (x > 2).any()),
                ("all_dim", () => (yp > 0.6).all(1)), ("unique", () => torch.unique(torch.tensor(new long[] { 3, 1, 2, 3, 1, 5 })).output),
                ("norm", () => x.norm()),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("red/" + n), atol: 1e-5, rtol: 1e-5);
        }

        [TestMethod]
        public void ShapeOperationsMatchPyTorch()
        {
            Tensor x = In("x"), y = In("y"), b = In("b");
            var t = torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
            var idx = torch.tensor(new long[] { 2, 0, 2 });
            var gidx = torch.tensor(new long[] { 0, 3, 1, 1, 2, 0 }, new long[] { 3, 2 });
            var mask = x > 0;
            var cases = new (string, Func<Tensor>)[]
            {
                ("view", () => t.view(6, 4)), ("reshape", () => t.reshape(4, -1)), ("permute", () => t.permute(2, 0, 1)),
                ("transpose", () => t.transpose(0, 2)), ("flatten", () => t.flatten(1)), ("unsqueeze", () => x.unsqueeze(1)),
                ("squeeze", () => x.unsqueeze(0).squeeze()), ("expand", () => b.expand(3, 4)), ("repeat", () => b.repeat(2, 3)),
                ("narrow", () => t.narrow(2, 1, 2)), ("select", () => t.select(1, 2)), ("index_select", () => x.index_select(0, idx)),
                ("gather", () => x.gather(1, gidx)), ("masked_select", () => x.masked_select(mask)), ("masked_fill", () => x.masked_fill(mask, -1.0)),
                ("cat", () => torch.cat(new[] { x, y }, 0)), ("stack", () => torch.stack(new[] { x, y }, 1)),
                ("split_0", () => x.split(new long[] { 1, 3 }, 1)[0]), ("split_1", () => x.split(new long[] { 1, 3 }, 1)[1]),
                ("chunk_1", () => t.chunk(2, 2)[1]), ("flip", () => t.flip(0, 2)), ("roll", () => x.roll(1, 1)), ("tril", () => x.tril()),
                ("triu", () => x.triu(1)), ("meshgrid_0", () => torch.meshgrid(new[] { torch.arange(3), torch.arange(2) }, "ij")[0]),
                ("meshgrid_xy_1", () => torch.meshgrid(new[] { torch.arange(3), torch.arange(2) }, "xy")[1]),
                ("repeat_interleave", () => torch.repeat_interleave(b, 2)), ("repeat_interleave_dim", () => torch.repeat_interleave(x, 2, 0)),
                ("t", () => x.t()), ("movedim", () => t.movedim(new long[] { 0 }, new long[] { 2 })),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("shape/" + n), atol: 0, rtol: 0);
        }

        [TestMethod]
        public void IndexingReadsMatchPyTorch()
        {
            Tensor x = In("x");
            var t = torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
            var idx = torch.tensor(new long[] { 2, 0, 2 });
            var cases = new (string, Func<Tensor>)[]
            {
                ("int", () => t[1]), ("colon_int", () => t[TensorIndex.Colon, 1]),
                ("slice_step", () => t[TensorIndex.Colon, TensorIndex.Slice(1, 3), TensorIndex.Slice(step: 2)]),
                ("ellipsis_last", () => t[TensorIndex.Ellipsis, -1]), ("none", () => t[TensorIndex.None, 1]),
                ("mask", () => x[x > 0]), ("tensor", () => x[idx]), ("two_tensors", () => x[idx, torch.tensor(new long[] { 0, 1, 3 })]),
                ("negative_slice", () => t[.., ^2..]), ("bool_true", () => x[TensorIndex.Bool(true)]),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("index/" + n), atol: 0, rtol: 0);
        }

        [TestMethod]
        public void IndexingWritesMatchPyTorch()
        {
            Tensor x = In("x");
            var t = torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
            var cases = new (string, Func<Tensor>)[]
            {
                ("slice_scalar", () => { var w = x.clone(); w[TensorIndex.Slice(1, 3), 0] = torch.tensor(5.0f); return w; }),
                ("mask_scalar", () => { var w = x.clone(); w.index_put_(0.0, new[] { TensorIndex.Tensor(x > 0) }); return w; }),
                ("index_tensor", () => { var w = x.clone(); w[torch.tensor(new long[] { 2, 0, 2 })] = torch.ones(3, 4) * 7; return w; }),
                ("accumulate", () => torch.zeros(5).index_put_(torch.tensor(new[] { 1.0f, 2.0f, 3.0f, 4.0f }), new[] { torch.tensor(new long[] { 0, 2, 0, 4 }) }, accumulate: true)),
                ("ellipsis_broadcast", () => { var w = t.clone(); w[TensorIndex.Ellipsis, 1] = torch.tensor(new[] { 9.0f, 8.0f, 7.0f }); return w; }),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("write/" + n), atol: 0, rtol: 0);
        }

        [TestMethod]
        public void LinearAlgebraMatchesPyTorch()
        {
            var cases = new (string, Func<Tensor>)[]
            {
                ("mm", () => In("m1").mm(In("m2"))), ("bmm", () => In("b1").bmm(In("b2"))), ("matmul_broadcast", () => In("b1").matmul(In("m2"))),
            };
            Assertions.AllClose(cases.Select(c => (c.Item1, c.Item2)), n => Out("la/" + n), atol: 1e-5, rtol: 1e-5);
        }

        [TestMethod]
        public void FunctionalOperationsMatchPyTorch()
        {
            Tensor img = In("img"), img4 = In("img4"), logits = In("logits"), target = In("target");
            var cases = new List<(string, Func<Tensor>)>
            {
                ("conv2d", () => F.conv2d(img, In("wc"), In("bc"), new long[] { 2 }, new long[] { 1 })),
                ("conv2d_dilated", () => F.conv2d(img, In("wc"), null, null, new long[] { 2, 2 }, new long[] { 2, 2 })),
                ("conv2d_groups", () => F.conv2d(img4, In("wg"), padding: new long[] { 1 }, groups: 4)),
                ("conv_transpose2d", () => F.conv_transpose2d(img4, In("wt"), strides: new long[] { 2 })),
                ("conv_transpose2d_padded", () => F.conv_transpose2d(img4, In("wt"), In("bc")[..2], new long[] { 2 }, new long[] { 1 }, new long[] { 1 })),
                ("linear", () => F.linear(img, In("lw"), In("lb"))),
                ("batch_norm_eval", () => F.batch_norm(img4, In("rm"), In("rv"), In("gamma"), In("beta"), false)),
                ("max_pool2d", () => F.max_pool2d(img, 3, 2, 1)), ("max_pool2d_ceil", () => F.max_pool2d(img, 2, 2, ceil_mode: true)),
                ("avg_pool2d", () => F.avg_pool2d(img, 2)), ("adaptive_avg_pool2d", () => F.adaptive_avg_pool2d(img, (3, 2))),
                ("interp_nearest_size", () => F.interpolate(img, new long[] { 5, 13 })),
                ("interp_nearest_scale", () => F.interpolate(img, scale_factor: new[] { 2.0 })),
                ("interp_bilinear", () => F.interpolate(img, new long[] { 14, 5 }, mode: InterpolationMode.Bilinear, align_corners: false)),
                ("interp_bilinear_corners", () => F.interpolate(img, new long[] { 14, 5 }, mode: InterpolationMode.Bilinear, align_corners: true)),
                ("interp_bilinear_scale", () => F.interpolate(img, scale_factor: new[] { 1.5, 1.5 }, mode: InterpolationMode.Bilinear, align_corners: false)),
                ("softmax", () => F.softmax(logits, 1)), ("log_softmax", () => F.log_softmax(logits, 1)),
                ("cross_entropy", () => F.cross_entropy(logits, target)),
                ("cross_entropy_weighted", () => F.cross_entropy(logits, target, In("cw"), ignore_index: 2, label_smoothing: 0.1)),
                ("cross_entropy_none", () => F.cross_entropy(logits, target, reduction: nn.Reduction.None)),
                ("bce_logits", () => F.binary_cross_entropy_with_logits(logits, In("bin_t"))),
                ("bce_logits_pos_weight_sum", () => F.binary_cross_entropy_with_logits(logits, In("bin_t"), reduction: nn.Reduction.Sum, pos_weights: In("pw"))),
                ("smooth_l1", () => F.smooth_l1_loss(In("reg_a"), In("reg_b"), nn.Reduction.Sum, 1.0 / 9)),
                ("l1", () => F.l1_loss(In("reg_a"), In("reg_b"))), ("mse", () => F.mse_loss(In("reg_a"), In("reg_b"))),
                ("nll", () => F.nll_loss(F.log_softmax(logits, 1), target)),
                ("pad_reflect", () => F.pad(img, new long[] { 1, 2, 2, 1 }, PaddingModes.Reflect)),
                ("pad_constant", () => F.pad(img, new long[] { 1, 1, 0, 2 }, value: 0.5)),
                ("one_hot", () => F.one_hot(target, 5)), ("group_norm", () => F.group_norm(img4, 2, In("gamma"), In("beta"))),
            };
            Assertions.AllClose(cases, n => Out("fn/" + n), atol: 2e-5, rtol: 1e-5);
        }

        [TestMethod]
        public void BatchNormInTrainingUpdatesRunningStatisticsAsPyTorch()
        {
            using var scope = NewDisposeScope();
            var mean = In("rm").clone();
            var variance = In("rv").clone();
            var result = F.batch_norm(In("img4"), mean, variance, In("gamma"), In("beta"), training: true, momentum: 0.1);
            Assertions.Close(Out("fn/batch_norm_train"), result, 2e-5, 1e-5, "output");
            Assertions.Close(Out("fn/batch_norm_train_running_mean"), mean, 1e-6, 1e-6, "running mean");
            Assertions.Close(Out("fn/batch_norm_train_running_var"), variance, 1e-6, 1e-6, "running variance");
        }

        [TestMethod]
        public void RandomStreamsEqualPyTorchsForTheSameSeed()
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(42);
            Assertions.Close(Out("rand/rand"), torch.rand(7), 0, 0, "rand");
            Assertions.Close(Out("rand/randn"), torch.randn(2, 3), 0, 0, "randn");
            Assertions.Close(Out("rand/randint"), torch.randint(0, 10, new long[] { 6 }), 0, 0, "randint");
            Assertions.Close(Out("rand/randperm"), torch.randperm(9), 0, 0, "randperm");
            using var generator = new Generator(7);
            Assertions.Close(Out("rand/generator_normal"), torch.empty(5).normal_(0.0, 2.0, generator), 0, 0, "generator normal_");
        }
    }
}
