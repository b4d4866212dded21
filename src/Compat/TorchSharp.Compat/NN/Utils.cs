using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Gradient utilities (torch.nn.utils).</summary>
            public static class utils
            {
                /// <summary>
                /// Scales the gradients of <paramref name="tensors"/> in place so that their joint <paramref name="norm_type"/>-norm
                /// is at most <paramref name="max_norm"/> (as torch.nn.utils.clip_grad_norm_: factor max_norm / (norm + 1e-6),
                /// applied only when it is below 1). Returns the norm before clipping.
                /// </summary>
                public static double clip_grad_norm_(IEnumerable<Parameter> tensors, double max_norm, double norm_type = 2.0)
                {
                    if (!(max_norm > 0)) throw new ArgumentOutOfRangeException(nameof(max_norm), max_norm, "must be positive");
                    using var scope = NewDisposeScope();
                    var grads = tensors.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
                    if (grads.Count == 0) return 0.0;
                    double total;
                    using (no_grad())
                    {
                        if (double.IsPositiveInfinity(norm_type))
                            total = grads.Select(g => g.abs().max().to(ScalarType.Float64).item<double>()).Max();
                        else
                            total = Math.Pow(grads.Sum(g => Math.Pow(PNorm(g, norm_type), norm_type)), 1.0 / norm_type);
                        double factor = max_norm / (total + 1e-6);
                        if (factor < 1)
                            foreach (var g in grads) g.mul_(factor);
                    }
                    return total;
                }

                /// <summary>Clamps every gradient element of <paramref name="tensors"/> to [-clip_value, clip_value] in place.</summary>
                public static void clip_grad_value_(IEnumerable<Parameter> tensors, double clip_value)
                {
                    using var scope = NewDisposeScope();
                    using (no_grad())
                        foreach (var g in tensors.Select(p => p.grad).Where(g => g is not null))
                            g!.clamp_(-clip_value, clip_value);
                }

                private static double PNorm(Tensor gradient, double p)
                {
                    using var scope = NewDisposeScope();
                    var magnitudes = gradient.abs().to(ScalarType.Float64);
                    return p == 2.0 ? magnitudes.square().sum().sqrt().item<double>() : magnitudes.pow(p).sum().pow(1.0 / p).item<double>();
                }
            }
        }
    }
}
