using System;
using System.Text;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Loss reduction.</summary>
            public enum Reduction : long { None = 0, Mean = 1, Sum = 2 }

            /// <summary>Stateless neural-network operations.</summary>
            public static partial class functional
            {
                private static long[] Pair(long[]? values, long defaultValue, string name)
                {
                    if (values is null) return new[] { defaultValue, defaultValue };
                    if (values.Length == 1) return new[] { values[0], values[0] };
                    if (values.Length != 2) throw new ArgumentException($"{name} must have 1 or 2 elements, got {values.Length}.", name);
                    return values;
                }

                private static long[] Pair((long, long)? values, long defaultValue) =>
                    values.HasValue ? new[] { values.Value.Item1, values.Value.Item2 } : new[] { defaultValue, defaultValue };

                // ---- convolution and linear ---------------------------------------------------------------

                public static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1)
                {
                    var s = Pair(strides, 1, nameof(strides));
                    var p = Pair(padding, 0, nameof(padding));
                    var d = Pair(dilation, 1, nameof(dilation));
                    fixed (long* sp = s) fixed (long* pp = p) fixed (long* dp = d)
                        return input.Wrap(tsb_conv2d(input.Handle, weight.Handle, Tensor.HandleOrZero(bias), sp, pp, dp, groups), weight, bias);
                }

                internal static unsafe Tensor conv2d(Tensor input, Tensor weight, Tensor? bias, long[] strides, Padding padding, long[] dilation, long groups)
                {
                    fixed (long* sp = strides) fixed (long* dp = dilation)
                        return input.Wrap(tsb_conv2d_padding_mode(input.Handle, weight.Handle, Tensor.HandleOrZero(bias), sp, padding == Padding.Same ? 1 : 0, dp, groups), weight, bias);
                }

                public static unsafe Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? output_padding = null, long[]? dilation = null, long groups = 1)
                {
                    var s = Pair(strides, 1, nameof(strides));
                    var p = Pair(padding, 0, nameof(padding));
                    var o = Pair(output_padding, 0, nameof(output_padding));
                    var d = Pair(dilation, 1, nameof(dilation));
                    fixed (long* sp = s) fixed (long* pp = p) fixed (long* op = o) fixed (long* dp = d)
                        return input.Wrap(tsb_conv_transpose2d(input.Handle, weight.Handle, Tensor.HandleOrZero(bias), sp, pp, op, dp, groups), weight, bias);
                }

                public static Tensor linear(Tensor input, Tensor weights, Tensor? bias = null) =>
                    input.Wrap(tsb_linear(input.Handle, weights.Handle, Tensor.HandleOrZero(bias)), weights, bias);

                // ---- normalisation ---------------------------------------------------------------------

                public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
                {
                    var result = tsb_batch_norm(input.Handle, Tensor.HandleOrZero(running_mean), Tensor.HandleOrZero(running_var),
                                                Tensor.HandleOrZero(weight), Tensor.HandleOrZero(bias), training, momentum, eps);
                    GC.KeepAlive(running_mean);
                    GC.KeepAlive(running_var);
                    return input.Wrap(result, weight, bias);
                }

                public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                    input.Wrap(tsb_group_norm(input.Handle, num_groups, Tensor.HandleOrZero(weight), Tensor.HandleOrZero(bias), eps), weight, bias);

                public static unsafe Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
                {
                    fixed (long* shape = normalized_shape)
                        return input.Wrap(tsb_layer_norm(input.Handle, shape, normalized_shape.Length, Tensor.HandleOrZero(weight), Tensor.HandleOrZero(bias), eps), weight, bias);
                }

                // ---- pooling ---------------------------------------------------------------------------------

                public static unsafe Tensor max_pool2d(Tensor input, long[] kernel_size, long[] strides = null, long[] padding = null, long[] dilation = null, bool ceil_mode = false)
                {
                    var k = Pair(kernel_size, 1, nameof(kernel_size));
                    var s = strides is null || strides.Length == 0 ? k : Pair(strides, 1, nameof(strides));
                    var p = Pair(padding, 0, nameof(padding));
                    var d = Pair(dilation, 1, nameof(dilation));
                    fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p) fixed (long* dp = d)
                        return input.Wrap(tsb_max_pool2d(input.Handle, kp, sp, pp, dp, ceil_mode));
                }

                public static Tensor max_pool2d(Tensor input, long kernel_size, long? stride = null, long? padding = null, long? dilation = null, bool ceil_mode = false) =>
                    max_pool2d(input, new[] { kernel_size }, new[] { stride ?? kernel_size }, new[] { padding ?? 0 }, new[] { dilation ?? 1 }, ceil_mode);

                public static Tensor max_pool2d(Tensor input, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null, (long, long)? dilation = null, bool ceil_mode = false) =>
                    max_pool2d(input, Pair(kernel_size, 0), stride.HasValue ? Pair(stride, 0) : null, Pair(padding, 0), Pair(dilation, 1), ceil_mode);

                public static unsafe Tensor avg_pool2d(Tensor input, long[] kernel_size, long[] stride = null, long[] padding = null, bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null)
                {
                    var k = Pair(kernel_size, 1, nameof(kernel_size));
                    var s = stride is null || stride.Length == 0 ? k : Pair(stride, 1, nameof(stride));
                    var p = Pair(padding, 0, nameof(padding));
                    fixed (long* kp = k) fixed (long* sp = s) fixed (long* pp = p)
                        return input.Wrap(tsb_avg_pool2d(input.Handle, kp, sp, pp, ceil_mode, count_include_pad, divisor_override.HasValue, divisor_override ?? 0));
                }

                public static Tensor avg_pool2d(Tensor input, long kernel_size, long? stride = null, long padding = 0, bool ceil_mode = false, bool count_include_pad = true, long? divisor_override = null) =>
                    avg_pool2d(input, new[] { kernel_size }, new[] { stride ?? kernel_size }, new[] { padding }, ceil_mode, count_include_pad, divisor_override);

                public static unsafe Tensor adaptive_avg_pool2d(Tensor input, long[] output_size)
                {
                    var o = Pair(output_size, 1, nameof(output_size));
                    fixed (long* op = o) return input.Wrap(tsb_adaptive_avg_pool2d(input.Handle, op));
                }

                public static Tensor adaptive_avg_pool2d(Tensor input, long output_size) => adaptive_avg_pool2d(input, new[] { output_size, output_size });
                public static Tensor adaptive_avg_pool2d(Tensor input, (long, long) output_size) => adaptive_avg_pool2d(input, new[] { output_size.Item1, output_size.Item2 });

                // ---- resampling and padding ---------------------------------------------------------------

                /// <summary>Resizes spatial dimensions to <paramref name="size"/> or by <paramref name="scale_factor"/> (as torch.nn.functional.interpolate).</summary>
                public static unsafe Tensor interpolate(Tensor x, long[]? size = null, double[]? scale_factor = null, InterpolationMode mode = InterpolationMode.Nearest, bool? align_corners = null, bool recompute_scale_factor = false, bool antialias = false)
                {
                    var s = size ?? Array.Empty<long>();
                    var f = scale_factor ?? Array.Empty<double>();
                    sbyte corners = align_corners.HasValue ? (sbyte)(align_corners.Value ? 1 : 0) : (sbyte)-1;
                    fixed (long* sp = s) fixed (double* fp = f)
                        return x.Wrap(tsb_interpolate(x.Handle, sp, s.Length, fp, f.Length, (int)mode, corners, recompute_scale_factor, antialias));
                }

                public static Tensor upsample(Tensor input, long[]? size = null, double[]? scale_factor = null, UpsampleMode mode = UpsampleMode.Nearest, bool align_corners = false) =>
                    interpolate(input, size, scale_factor, (InterpolationMode)(int)mode, mode == UpsampleMode.Nearest ? null : align_corners);

                public static Tensor grid_sample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear, GridSamplePaddingMode padding_mode = GridSamplePaddingMode.Zeros, bool? align_corners = null)
                {
                    // grid_sampler's interpolation codes: 0 bilinear, 1 nearest.
                    long interpolation = mode == GridSampleMode.Bilinear ? 0 : 1;
                    return input.Wrap(tsb_grid_sample(input.Handle, grid.Handle, interpolation, (long)padding_mode, align_corners ?? false), grid);
                }

                public static unsafe Tensor pad(Tensor input, long[] pad, PaddingModes mode = PaddingModes.Constant, double value = 0)
                {
                    string modeName = mode switch
                    {
                        PaddingModes.Constant or PaddingModes.Zeros => "constant",
                        PaddingModes.Reflect => "reflect",
                        PaddingModes.Replicate => "replicate",
                        PaddingModes.Circular => "circular",
                        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown padding mode."),
                    };
                    var encoded = Encoding.ASCII.GetBytes(modeName + "\0");
                    fixed (long* pp = pad) fixed (byte* mp = encoded)
                        return input.Wrap(tsb_pad(input.Handle, pp, pad.Length, mp, mode == PaddingModes.Zeros ? 0 : value));
                }

                public static Tensor pad(Tensor input, ReadOnlySpan<long> pad, PaddingModes mode = PaddingModes.Constant, double value = 0) => functional.pad(input, pad.ToArray(), mode, value);
                public static Tensor pad(Tensor input, long pad, PaddingModes mode = PaddingModes.Constant, double value = 0) => functional.pad(input, new[] { pad, pad, pad, pad }, mode, value);
                public static Tensor pad(Tensor input, (long, long) pad, PaddingModes mode = PaddingModes.Constant, double value = 0) => functional.pad(input, new[] { pad.Item1, pad.Item2 }, mode, value);
                public static Tensor pad(Tensor input, (long, long, long, long) pad, PaddingModes mode = PaddingModes.Constant, double value = 0) =>
                    functional.pad(input, new[] { pad.Item1, pad.Item2, pad.Item3, pad.Item4 }, mode, value);

                // ---- activations --------------------------------------------------------------------------

                public static Tensor relu(Tensor x, bool inplace = false) => inplace ? x.relu_() : x.relu();
                public static Tensor sigmoid(Tensor x) => x.sigmoid();
                public static Tensor sigmoid(Tensor x, bool inplace) => inplace ? x.sigmoid_() : x.sigmoid();
                public static Tensor tanh(Tensor x, bool inplace = false) => inplace ? x.tanh_() : x.tanh();
                public static Tensor logsigmoid(Tensor x) => x.log_sigmoid();
                public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => input.softmax(dim, dtype);
                public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);
                public static Tensor gelu(Tensor x) => x.Wrap(tsb_gelu(x.Handle));
                public static Tensor silu(Tensor x, bool inplace = false)
                {
                    var result = x.Wrap(tsb_silu(x.Handle));
                    if (!inplace) return result;
                    using (result) return x.copy_(result);
                }

                public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01, bool inplace = false)
                {
                    var result = input.Wrap(tsb_leaky_relu(input.Handle, Native.ScalarArg.FromDouble(negative_slope)));
                    if (!inplace) return result;
                    using (result) return input.copy_(result);
                }

                public static Tensor dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
                {
                    if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1].");
                    if (!inplace) return input.Wrap(tsb_dropout(input.Handle, p, training));
                    input.Check(tsb_dropout_(input.Handle, p, training));
                    return input;
                }

                public static Tensor one_hot(Tensor x, long num_classes = -1) => x.Wrap(tsb_one_hot(x.Handle, num_classes));

                // ---- losses --------------------------------------------------------------------------------

                public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean, double label_smoothing = 0.0) =>
                    input.Wrap(tsb_cross_entropy(input.Handle, target.Handle, Tensor.HandleOrZero(weight), ignore_index, (long)reduction, label_smoothing), target, weight);

                public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
                    input.Wrap(tsb_nll_loss(input.Handle, target.Handle, Tensor.HandleOrZero(weight), (long)reduction, -100), target, weight);

                public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? pos_weights = null)
                {
                    var result = tsb_binary_cross_entropy_with_logits(input.Handle, target.Handle, Tensor.HandleOrZero(weight), Tensor.HandleOrZero(pos_weights), (long)reduction);
                    GC.KeepAlive(pos_weights);
                    return input.Wrap(result, target, weight);
                }

                public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
                    input.Wrap(tsb_binary_cross_entropy(input.Handle, target.Handle, Tensor.HandleOrZero(weight), (long)reduction), target, weight);

                public static Tensor smooth_l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0) =>
                    input.Wrap(tsb_smooth_l1_loss(input.Handle, target.Handle, (long)reduction, beta), target);

                public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                    input.Wrap(tsb_l1_loss(input.Handle, target.Handle, (long)reduction), target);

                public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                    input.Wrap(tsb_mse_loss(input.Handle, target.Handle, (long)reduction), target);
            }
        }
    }
}
