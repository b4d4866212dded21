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
    /// layout and prepared weights: for inference, batch normalisation folded into the convolution before it and weights
    /// cast to the compute precision; for training, casts of the live weights. Active on the thread that runs
    /// <see cref="Activate"/>, as PyTorch's autocast is: the layers that consult it (<see cref="PlannedLayers"/>) use its
    /// weights, every other layer runs as written. An inference plan's weights are a snapshot: a plan made before the
    /// weights change computes with the old ones.
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
                    foreach (var (layer, weight, bias) in ReducedPrecisionLayers(model))
                        if (!plan.layers.ContainsKey(layer))
                            plan.layers[layer] = PreparedLayer.Cast(weight, bias, computeType);
                // The float32 intermediates of folding and casting are freed but resident in glibc's heaps.
                if (plan.layers.Count > 0) Native.FreedMemory.ReturnToSystem();
                return plan;
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The plan of a training step: the layout, and with <see cref="ComputePrecision.BFloat16"/> the same layers as
        /// inference computing from bfloat16 casts of their float32 weights, made at each call inside the autograd graph
        /// (their gradients reach the float32 weights). The precision must already be the effective one
        /// (<see cref="EffectiveTrainingPrecision"/>).
        /// </summary>
        internal static ComputePlan ForTraining(MaskRcnnModel model, FeatureMemoryFormat layout, ComputePrecision precision)
        {
            if (precision == ComputePrecision.Float32) return LayoutOnly(layout);
            var plan = new ComputePlan(layout, ScalarType.BFloat16);
            foreach (var (layer, weight, bias) in ReducedPrecisionLayers(model))
                plan.layers[layer] = PreparedLayer.Live(weight, bias, ScalarType.BFloat16);
            return plan;
        }

        // The layers a reduced precision computes in it: every convolution but the mask predictor's (its logits stay float32;
        // its input is the float32 end of the mask head), and the box head's fully connected layers.
        private static IEnumerable<(nn.Module layer, Tensor weight, Tensor? bias)> ReducedPrecisionLayers(MaskRcnnModel model)
        {
            var float32Layers = model.modules().OfType<MaskRcnnPredictor>().SelectMany(p => p.modules().OfType<Conv2d>()).ToHashSet();
            foreach (var conv in model.modules().OfType<Conv2d>())
                if (!float32Layers.Contains(conv))
                    yield return (conv, conv.weight, conv.bias);
            foreach (var linear in model.modules().OfType<TwoMlpHead>().SelectMany(h => h.modules().OfType<Linear>()))
                yield return (linear, linear.weight, linear.bias);
        }

        /// <summary>
        /// The precision inference will use on <paramref name="device"/>, and why it differs from the requested one (null when
        /// it does not): bfloat16 falls back to float32 where the device has no native bfloat16 arithmetic.
        /// </summary>
        internal static (ComputePrecision precision, string? fallbackMessage) EffectivePrecision(ComputeOptions options, Device device) =>
            Effective(options.InferencePrecision, "Inference", device);

        /// <summary>As <see cref="EffectivePrecision"/>, for <see cref="ComputeOptions.TrainingPrecision"/>.</summary>
        internal static (ComputePrecision precision, string? fallbackMessage) EffectiveTrainingPrecision(ComputeOptions options, Device device) =>
            Effective(options.TrainingPrecision, "Training", device);

        private static (ComputePrecision precision, string? fallbackMessage) Effective(ComputePrecision requested, string what, Device device)
        {
            if (requested != ComputePrecision.BFloat16 || ComputeOptions.HasNativeBFloat16(device) || EmulatedBFloat16Allowed)
                return (requested, null);
            return (ComputePrecision.Float32,
                    $"{what} precision BFloat16 was asked for, but the {device.type} device has no native bfloat16 arithmetic " +
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

    /// <summary>
    /// A layer's weights as the plan computes with them: a prepared snapshot (<see cref="FoldsNorm"/>: the batch norm after
    /// it is included), or, for training, the layer's own weights cast at each call (<see cref="IsLive"/>).
    /// </summary>
    internal sealed class PreparedLayer : IDisposable
    {
        // A snapshot's tensors outlive whatever dispose scope the plan is made in (a prediction's): the plan disposes them.
        // A live layer's are the module's parameters: neither detached nor disposed here.
        private PreparedLayer(Tensor weight, Tensor? bias, bool foldsNorm, bool live, ScalarType type)
        {
            Weight = live ? weight : weight.DetachFromDisposeScope();
            Bias = live ? bias : bias?.DetachFromDisposeScope();
            FoldsNorm = foldsNorm;
            IsLive = live;
            Type = type;
        }

        /// <summary>The weight computed with (a live layer's: its float32 parameter, cast by <see cref="Current"/>).</summary>
        internal Tensor Weight { get; }

        internal Tensor? Bias { get; }

        internal bool FoldsNorm { get; }

        /// <summary>The weights are the module's trained parameters, cast at every call (training).</summary>
        internal bool IsLive { get; }

        /// <summary>The type the layer computes in.</summary>
        internal ScalarType Type { get; }

        internal static PreparedLayer Cast(Tensor weight, Tensor? bias, ScalarType type)
        {
            using var scope = NewDisposeScope();
            return new(weight.detach().to(type), bias?.detach().to(type), false, false, type);
        }

        internal static PreparedLayer Live(Tensor weight, Tensor? bias, ScalarType type) => new(weight, bias, false, true, type);

        /// <summary>
        /// The weights to compute with now; <c>owned</c>: they are fresh casts of a live layer's parameters (differentiable),
        /// which the caller disposes after the call (the autograd graph keeps what it needs).
        /// </summary>
        internal (Tensor weight, Tensor? bias, bool owned) Current() =>
            IsLive ? (Weight.to(Type), Bias?.to(Type), true) : (Weight, Bias, false);

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
            return new PreparedLayer(weight.to(type), bias.to(type), true, false, type);
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
            if (IsLive) return;
            Weight.Dispose();
            Bias?.Dispose();
        }
    }
}
