using System;
using System.Runtime.InteropServices;

namespace TorchSharp.Native
{
    // Declarations mirror src/Native/torchsharp_bridge/nn_functional.cpp.
    internal static unsafe partial class NativeMethods
    {
        [DllImport(Lib)] internal static extern IntPtr tsb_conv2d(IntPtr input, IntPtr weight, IntPtr bias, long* stride, long* padding, long* dilation, long groups);
        [DllImport(Lib)] internal static extern IntPtr tsb_conv2d_padding_mode(IntPtr input, IntPtr weight, IntPtr bias, long* stride, int paddingKind, long* dilation, long groups);
        [DllImport(Lib)] internal static extern IntPtr tsb_conv_transpose2d(IntPtr input, IntPtr weight, IntPtr bias, long* stride, long* padding, long* outputPadding, long* dilation, long groups);
        [DllImport(Lib)] internal static extern IntPtr tsb_linear(IntPtr input, IntPtr weight, IntPtr bias);
        [DllImport(Lib)] internal static extern IntPtr tsb_batch_norm(IntPtr input, IntPtr runningMean, IntPtr runningVar, IntPtr weight, IntPtr bias, bool training, double momentum, double eps);
        [DllImport(Lib)] internal static extern IntPtr tsb_group_norm(IntPtr input, long groups, IntPtr weight, IntPtr bias, double eps);
        [DllImport(Lib)] internal static extern IntPtr tsb_layer_norm(IntPtr input, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
        [DllImport(Lib)] internal static extern IntPtr tsb_max_pool2d(IntPtr input, long* kernel, long* stride, long* padding, long* dilation, bool ceilMode);
        [DllImport(Lib)] internal static extern IntPtr tsb_avg_pool2d(IntPtr input, long* kernel, long* stride, long* padding, bool ceilMode, bool countIncludePad, bool hasDivisor, long divisor);
        [DllImport(Lib)] internal static extern IntPtr tsb_adaptive_avg_pool2d(IntPtr input, long* outputSize);
        [DllImport(Lib)] internal static extern IntPtr tsb_interpolate(IntPtr input, long* size, int nsize, double* scales, int nscales, int mode, sbyte alignCorners, bool recomputeScaleFactor, bool antialias);
        [DllImport(Lib)] internal static extern IntPtr tsb_grid_sample(IntPtr input, IntPtr grid, long mode, long paddingMode, bool alignCorners);
        [DllImport(Lib)] internal static extern IntPtr tsb_pad(IntPtr input, long* pad, int n, byte* mode, double value);
        [DllImport(Lib)] internal static extern IntPtr tsb_softmax(IntPtr input, long dim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_log_softmax(IntPtr input, long dim, sbyte dtype);
        [DllImport(Lib)] internal static extern IntPtr tsb_leaky_relu(IntPtr input, ScalarArg slope);
        [DllImport(Lib)] internal static extern IntPtr tsb_gelu(IntPtr input);
        [DllImport(Lib)] internal static extern IntPtr tsb_silu(IntPtr input);
        [DllImport(Lib)] internal static extern IntPtr tsb_dropout(IntPtr input, double p, bool training);
        [DllImport(Lib)] internal static extern int tsb_dropout_(IntPtr input, double p, bool training);
        [DllImport(Lib)] internal static extern IntPtr tsb_one_hot(IntPtr input, long numClasses);
        [DllImport(Lib)] internal static extern IntPtr tsb_cross_entropy(IntPtr input, IntPtr target, IntPtr weight, long ignoreIndex, long reduction, double labelSmoothing);
        [DllImport(Lib)] internal static extern IntPtr tsb_nll_loss(IntPtr input, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
        [DllImport(Lib)] internal static extern IntPtr tsb_binary_cross_entropy_with_logits(IntPtr input, IntPtr target, IntPtr weight, IntPtr posWeight, long reduction);
        [DllImport(Lib)] internal static extern IntPtr tsb_binary_cross_entropy(IntPtr input, IntPtr target, IntPtr weight, long reduction);
        [DllImport(Lib)] internal static extern IntPtr tsb_smooth_l1_loss(IntPtr input, IntPtr target, long reduction, double beta);
        [DllImport(Lib)] internal static extern IntPtr tsb_l1_loss(IntPtr input, IntPtr target, long reduction);
        [DllImport(Lib)] internal static extern IntPtr tsb_mse_loss(IntPtr input, IntPtr target, long reduction);
    }
}
