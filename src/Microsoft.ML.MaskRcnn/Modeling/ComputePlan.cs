using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Modeling
{
    /// <summary>
    /// How one forward pass computes (<see cref="ComputeOptions"/> made concrete for a model on a device): the feature
    /// layout and, for inference, prepared weights: batch normalisation folded into the convolution before it, and weights
    /// cast to the compute precision. Active on the thread that runs <see cref="Activate"/>, as PyTorch's autocast is:
    /// the layers that consult it (<see cref="PlannedLayers"/>) use its weights, every other layer runs as written.
    /// The prepared weights are a snapshot: a plan made before the weights change computes with the old ones.
    /// </summary>
    internal sealed class ComputePlan : IDisposable
    {
        [ThreadStatic] private static ComputePlan? current;

        private readonly Dictionary<nn.Module, PreparedLayer> layers = new(ReferenceEqualityComparer.Instance);

        private ComputePlan(FeatureMemoryFormat layout, ScalarType computeType)
        {
            Layout = layout;
            ComputeType = computeType;
        }

        /// <summary>The plan of the running forward pass on this thread; null: everything as written (float32, Auto layout).</summary>
        internal static ComputePlan? Current => current;

        internal FeatureMemoryFormat Layout { get; }

        /// <summary>Float32, or BFloat16 for the layers the plan prepared.</summary>
        internal ScalarType ComputeType { get; }

        /// <summary>A plan that only sets the layout (training: weights are live, nothing is folded or cast).</summary>
        internal static ComputePlan LayoutOnly(FeatureMemoryFormat layout) => new(layout, ScalarType.Float32);

        /// <summary>
        /// Prepares inference weights of <paramref name="model"/> as <paramref name="options"/> ask (none when they neither fold nor
        /// cast: the plan then only sets the layout). The precision must already
        /// be the effective one (see <see cref="EffectivePrecision"/>).
        /// </summary>
        internal static ComputePlan ForInference(MaskRcnnModel model, ComputeOptions options, ComputePrecision precision)
        {
            var computeType = precision == ComputePrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            var plan = new ComputePlan(options.MemoryFormat, computeType);
            try
            {
                using var noGrad = no_grad();
                if (options.FoldBatchNorm)
                    foreach (var (conv, norm) in model.Backbone.Body.ConvNormPairs())
                        plan.layers[conv] = PreparedLayer.Folded(conv, norm, computeType);
                if (computeType != ScalarType.Float32)
                {
                    // The mask predictor's logits stay float32 (its input is the float32 end of the mask head).
                    var float32Layers = model.modules().OfType<MaskRcnnPredictor>().SelectMany(p => p.modules().OfType<Conv2d>()).ToHashSet();
                    foreach (var conv in model.modules().OfType<Conv2d>())
                        if (!plan.layers.ContainsKey(conv) && !float32Layers.Contains(conv))
                            plan.layers[conv] = PreparedLayer.Cast(conv.weight, conv.bias, computeType);
                    foreach (var linear in model.modules().OfType<TwoMlpHead>().SelectMany(h => h.modules().OfType<Linear>()))
                        plan.layers[linear] = PreparedLayer.Cast(linear.weight, linear.bias, computeType);
                }
                return plan;
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The precision inference will use on <paramref name="device"/>, and why it differs from the requested one (null when
        /// it does not): bfloat16 falls back to float32 where the device has no native bfloat16 arithmetic.
        /// </summary>
        internal static (ComputePrecision precision, string? fallbackMessage) EffectivePrecision(ComputeOptions options, Device device)
        {
            if (options.InferencePrecision != ComputePrecision.BFloat16 || ComputeOptions.HasNativeBFloat16(device) || EmulatedBFloat16Allowed)
                return (options.InferencePrecision, null);
            return (ComputePrecision.Float32,
                    $"Inference precision BFloat16 was asked for, but the {device.type} device has no native bfloat16 arithmetic " +
                    "(on a CPU: AVX-512 BF16 or AMX); computing in Float32 instead, which is faster there.");
        }

        /// <summary>Tests only: run bfloat16 where it is emulated (slow but exact to its definition), to check its results.</summary>
        internal static bool EmulatedBFloat16Allowed { get; set; }

        /// <summary>Makes this the plan of the calling thread until the result is disposed (plans nest).</summary>
        internal IDisposable Activate()
        {
            var previous = current;
            current = this;
            return new Restore(previous);
        }

        /// <summary>The prepared weights of <paramref name="layer"/> (a Conv2d or Linear), if the plan has them.</summary>
        internal bool TryGet(nn.Module layer, out PreparedLayer prepared) => layers.TryGetValue(layer, out prepared!);

        public void Dispose()
        {
            foreach (var layer in layers.Values) layer.Dispose();
            layers.Clear();
        }

        private sealed class Restore : IDisposable
        {
            private readonly ComputePlan? previous;
            private bool done;

            internal Restore(ComputePlan? previous) => this.previous = previous;

            public void Dispose()
            {
                if (done) return;
                done = true;
                current = previous;
            }
        }
    }

    /// <summary>A layer's weights as the plan computes with them; <see cref="FoldsNorm"/>: the batch norm after it is included.</summary>
    internal sealed class PreparedLayer : IDisposable
    {
        // The tensors outlive whatever dispose scope the plan is made in (a prediction's): the plan disposes them.
        private PreparedLayer(Tensor weight, Tensor? bias, bool foldsNorm)
        {
            Weight = weight.DetachFromDisposeScope();
            Bias = bias?.DetachFromDisposeScope();
            FoldsNorm = foldsNorm;
        }

        internal Tensor Weight { get; }

        internal Tensor? Bias { get; }

        internal bool FoldsNorm { get; }

        internal static PreparedLayer Cast(Tensor weight, Tensor? bias, ScalarType type)
        {
            using var scope = NewDisposeScope();
            return new(weight.detach().to(type), bias?.detach().to(type), false);
        }

        /// <summary>
        /// conv followed by norm as one convolution: W' = W * s per output channel, b' = b * s + t, where the norm computes
        /// x * s + t. Folded in float32 (or the weights' type), then cast.
        /// </summary>
        internal static PreparedLayer Folded(Conv2d conv, nn.Module norm, ScalarType type)
        {
            using var scope = NewDisposeScope();
            var (scale, shift) = NormAffine(norm);
            var weight = conv.weight * scale.view(-1, 1, 1, 1);
            var bias = conv.bias is null ? shift : conv.bias * scale + shift;
            return new PreparedLayer(weight.to(type), bias.to(type), true);
        }

        // The norm as x * scale + shift per channel: frozen statistics, or an ordinary batch norm's running statistics (the
        // plan is only made for evaluation mode).
        private static (Tensor scale, Tensor shift) NormAffine(nn.Module norm)
        {
            switch (norm)
            {
                case FrozenBatchNorm2d frozen:
                    return frozen.ScaleAndShiftPerChannel();
                case BatchNorm2d batchNorm when batchNorm.running_mean is not null && batchNorm.running_var is not null:
                    var scale = (batchNorm.running_var + batchNorm.eps).rsqrt();
                    if (batchNorm.weight is not null) scale = scale * batchNorm.weight;
                    var shift = -batchNorm.running_mean * scale;
                    if (batchNorm.bias is not null) shift = shift + batchNorm.bias;
                    return (scale, shift);
                default:
                    throw new InvalidOperationException($"Cannot fold a {norm.GetType().Name} into a convolution.");
            }
        }

        public void Dispose()
        {
            Weight.Dispose();
            Bias?.Dispose();
        }
    }
}
