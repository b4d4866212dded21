using System;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>How the convolutional feature maps are laid out in memory.</summary>
    public enum FeatureMemoryFormat
    {
        /// <summary>
        /// What was measured faster (docs/benchmarks.md, "compute options"): channels-last for inference on the CPU, and for
        /// training on a CPU with AVX-512; the default layout for training on other CPUs and on every other device.
        /// </summary>
        Auto,

        /// <summary>The default layout (N, C, H, W in memory): every convolution reorders its input and output for oneDNN.</summary>
        Contiguous,

        /// <summary>Channels-last (N, H, W, C in memory) on every device: oneDNN's convolutions read and write it directly.</summary>
        ChannelsLast,
    }

    /// <summary>The number format the network's convolutions and fully connected layers compute in.</summary>
    public enum ComputePrecision
    {
        /// <summary>32-bit floating point everywhere.</summary>
        Float32,

        /// <summary>
        /// Convolutions and the box head's fully connected layers in bfloat16 (8-bit mantissa), everything that decodes boxes,
        /// ranks scores or pools regions in float32; where the device has no native bfloat16 arithmetic the network falls back
        /// to float32 with a message.
        /// </summary>
        BFloat16,
    }

    /// <summary>
    /// How the network computes, without changing what it is: memory layout, batch normalisation folded into the
    /// convolutions for inference, and the precision of inference and of training. Not saved with a model (they depend on
    /// the machine).
    /// </summary>
    public sealed class ComputeOptions
    {
        /// <summary>Memory layout of the backbone's, FPN's and RPN head's feature maps, in training and inference. Default: <see cref="FeatureMemoryFormat.Auto"/>.</summary>
        public FeatureMemoryFormat MemoryFormat { get; set; } = FeatureMemoryFormat.Auto;

        /// <summary>
        /// Inference folds each frozen (or evaluation-mode) batch normalisation into the convolution before it:
        /// conv(x, W) * s + t computed as conv(x, W * s) + t, one operation less per layer; results move in the last bits.
        /// Training never folds (the statistics are separate weights there). Default: false (no gain measured on top of
        /// channels-last, docs/benchmarks.md).
        /// </summary>
        public bool FoldBatchNorm { get; set; }

        /// <summary>Precision of inference. Default: <see cref="ComputePrecision.Float32"/>.</summary>
        public ComputePrecision InferencePrecision { get; set; } = ComputePrecision.Float32;

        /// <summary>
        /// Precision of training, as PyTorch's autocast computes: with <see cref="ComputePrecision.BFloat16"/> the
        /// convolutions and the box head's fully connected layers compute in bfloat16 from bfloat16 copies of the float32
        /// weights, made afresh at every step; the weights, their gradients, the optimizer, the losses and everything that
        /// decodes boxes, samples or pools regions stay float32, so nothing needs loss scaling (bfloat16 has float32's
        /// exponent range). Falls back to float32 with a message where the device has no native bfloat16 arithmetic.
        /// Default: <see cref="ComputePrecision.Float32"/>.
        /// </summary>
        public ComputePrecision TrainingPrecision { get; set; } = ComputePrecision.Float32;

        /// <summary>
        /// Whether <paramref name="format"/> lays feature maps out channels-last on <paramref name="device"/>. Auto follows the
        /// measurements: on an AVX-512 CPU channels-last made an R50-FPN evaluation 0.82 -> 0.69 of torchvision's time and a
        /// training step 0.91 -> 0.69; on an AVX2 CPU (AMD EPYC) it made evaluation faster (5.5 s against 6.9 s) but a
        /// training step slower (31-37 s against 22.7 s).
        /// </summary>
        internal static bool IsChannelsLast(FeatureMemoryFormat format, DeviceType device, bool training) => format switch
        {
            FeatureMemoryFormat.ChannelsLast => true,
            FeatureMemoryFormat.Contiguous => false,
            _ => device == DeviceType.CPU && (!training || Avx512F.IsSupported),
        };

        /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
        public void Validate()
        {
            if (!Enum.IsDefined(MemoryFormat))
                throw new ArgumentException($"Invalid ComputeOptions.{nameof(MemoryFormat)}: {(int)MemoryFormat} is not a memory format.", nameof(MemoryFormat));
            if (!Enum.IsDefined(InferencePrecision))
                throw new ArgumentException($"Invalid ComputeOptions.{nameof(InferencePrecision)}: {(int)InferencePrecision} is not a precision.", nameof(InferencePrecision));
            if (!Enum.IsDefined(TrainingPrecision))
                throw new ArgumentException($"Invalid ComputeOptions.{nameof(TrainingPrecision)}: {(int)TrainingPrecision} is not a precision.", nameof(TrainingPrecision));
        }

        /// <summary>A copy.</summary>
        public ComputeOptions Clone() => (ComputeOptions)MemberwiseClone();

        /// <summary>
        /// Whether <paramref name="device"/> computes bfloat16 natively: a CUDA device, or a CPU with AVX-512 BF16 or AMX-BF16
        /// instructions. Elsewhere libtorch emulates bfloat16 (measured on an AVX2 CPU: a 3x3 convolution 6.5 times slower
        /// than float32, a matrix product 450 times slower), so bfloat16 would only cost time.
        /// </summary>
        public static bool HasNativeBFloat16(Device device)
        {
            if (device.type == DeviceType.CUDA) return true;
            return device.type == DeviceType.CPU && CpuHasNativeBFloat16;
        }

        private static readonly bool CpuHasNativeBFloat16 = ReadCpuBFloat16Support();

        // CPUID leaf 7: sub-leaf 1 EAX bit 5 is AVX512_BF16, sub-leaf 0 EDX bit 22 is AMX-BF16. Avx512F.IsSupported also
        // says the operating system saves the AVX-512 registers.
        private static bool ReadCpuBFloat16Support()
        {
            if (!X86Base.IsSupported || !Avx512F.IsSupported) return false;
            var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
            if (maxLeaf < 7) return false;
            var (_, _, _, edx0) = X86Base.CpuId(7, 0);
            var (eax1, _, _, _) = X86Base.CpuId(7, 1);
            return (eax1 & (1 << 5)) != 0 || (edx0 & (1 << 22)) != 0;
        }
    }
}
