using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// RoIAlign on the CPU through libMaskRcnnOps.so. The kernels fill tensors allocated here; autograd goes through
    /// <see cref="RoIAlignFunction"/>, a TorchSharp custom function whose backward calls the native backward kernel.
    /// </summary>
    internal static class RoIAlignNative
    {
        /// <summary>roi_align on checked CPU arguments; recorded for autograd when <paramref name="input"/> requires grad.</summary>
        internal static Tensor Apply(Tensor input, Tensor boxes, RoIAlignParameters p)
        {
            AutogradCallbacks.ReleaseReturnedGradients();
            using var scope = NewDisposeScope();
            var x = input.contiguous();
            var rois = boxes.detach().contiguous();  // constants: no gradient reaches the boxes (as in torchvision)
            // The kernel runs before any graph node exists, so a refused argument leaves nothing behind.
            var output = Forward(x, rois, p);
            if (torch.is_grad_enabled() && input.requires_grad)
                output = RoIAlignFunction.apply(x, rois, p, new Precomputed(output));
            return output.MoveToOuterDisposeScope();
        }

        /// <summary>Forward kernel: [K, C, PH, PW] from contiguous CPU input [N, C, H, W] and rois [K, 5].</summary>
        internal static Tensor Forward(Tensor input, Tensor rois, RoIAlignParameters p)
        {
            var s = input.Sizes();
            long k = rois.Sizes()[0];
            var output = torch.empty(new[] { k, s[1], p.PooledHeight, p.PooledWidth }, dtype: input.dtype);
            var (x, r, o) = (OpsNative.Data(input), OpsNative.Data(rois), OpsNative.Data(output));
            int status = input.dtype == ScalarType.Float32
                ? OpsNative.mro_roi_align_forward_f32(x, s[0], s[1], s[2], s[3], r, k, p.SpatialScale, p.PooledHeight, p.PooledWidth,
                                                      p.SamplingRatio, p.Aligned, o, OpsNative.Threads)
                : OpsNative.mro_roi_align_forward_f64(x, s[0], s[1], s[2], s[3], r, k, p.SpatialScale, p.PooledHeight, p.PooledWidth,
                                                      p.SamplingRatio, p.Aligned, o, OpsNative.Threads);
            GC.KeepAlive(input);
            GC.KeepAlive(rois);
            GC.KeepAlive(output);
            OpsNative.Check(status, "boxes");
            return output;
        }

        /// <summary>Backward kernel: the gradient [N, C, H, W] of the input given grad_output [K, C, PH, PW] (any layout).</summary>
        internal static Tensor Backward(Tensor gradOutput, Tensor rois, RoIAlignParameters p, long[] inputShape)
        {
            using var scope = NewDisposeScope();
            var g = gradOutput.contiguous();
            long k = rois.Sizes()[0];
            var expected = new[] { k, inputShape[1], p.PooledHeight, p.PooledWidth };
            if (!g.Sizes().AsSpan().SequenceEqual(expected))
                throw new ArgumentException($"roi_align backward: grad_output must have shape {ArgumentChecks.Format(expected)}, got {ArgumentChecks.Format(g.Sizes())}.");
            var gradInput = torch.empty(inputShape, dtype: g.dtype);
            var (gp, r, gi) = (OpsNative.Data(g), OpsNative.Data(rois), OpsNative.Data(gradInput));
            var s = inputShape;
            int status = g.dtype == ScalarType.Float32
                ? OpsNative.mro_roi_align_backward_f32(gp, r, k, p.SpatialScale, p.PooledHeight, p.PooledWidth, p.SamplingRatio, p.Aligned,
                                                       s[0], s[1], s[2], s[3], gi, OpsNative.Threads)
                : OpsNative.mro_roi_align_backward_f64(gp, r, k, p.SpatialScale, p.PooledHeight, p.PooledWidth, p.SamplingRatio, p.Aligned,
                                                       s[0], s[1], s[2], s[3], gi, OpsNative.Threads);
            GC.KeepAlive(g);
            GC.KeepAlive(rois);
            GC.KeepAlive(gradInput);
            OpsNative.Check(status, "boxes");
            return gradInput.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// A result computed before <c>apply</c> (so that argument errors are thrown before a graph node exists); handed to
    /// forward as a non-tensor argument, so that it is not recorded as an input of the node.
    /// </summary>
    internal sealed class Precomputed
    {
        public Precomputed(Tensor value) => Value = value;
        public Tensor Value { get; }
    }

    /// <summary>
    /// RoIAlign as a node of libtorch's autograd graph. Arguments: input, rois, <see cref="RoIAlignParameters"/>, the
    /// <see cref="Precomputed"/> forward result. Gradients flow to input only.
    /// </summary>
    /// <remarks>
    /// RoIAlign is linear in its input, so its backward is the adjoint linear map, and the derivative of that map is
    /// RoIAlign again. A gradient that itself requires grad (backward with create_graph: true) therefore goes through
    /// <see cref="RoIAlignAdjointFunction"/>, whose backward is this function: derivatives of every order are exact.
    /// </remarks>
    internal sealed class RoIAlignFunction : SingleTensorFunction<RoIAlignFunction>
    {
        private const string ParametersKey = "p", ShapeKey = "input_shape";

        public override string Name => "RoIAlignBackward";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var rois = (Tensor)vars[1];
            ctx.save_for_backward(new List<Tensor> { rois });
            ctx.save_data(ParametersKey, (RoIAlignParameters)vars[2]);
            ctx.save_data(ShapeKey, input.Sizes());
            // An undefined gradient arrives as such (backward returns an undefined one): TorchSharp would otherwise fill
            // it from a cached tensor that this op's dispose scope has already freed.
            ctx.set_materialize_grads(false);
            return ((Precomputed)vars[3]).Value;
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
            AutogradCallbacks.Run("roi_align", ctx, grad_output, inputs: 4, (grad, rois) =>
            {
                var p = (RoIAlignParameters)ctx.get_data(ParametersKey);
                var shape = (long[])ctx.get_data(ShapeKey);
                var gradInput = RoIAlignNative.Backward(grad, rois, p, shape);
                if (torch.is_grad_enabled() && grad.requires_grad)
                    gradInput = RoIAlignAdjointFunction.apply(grad, rois, p, new Precomputed(gradInput));
                return gradInput;
            });
    }

    /// <summary>
    /// The backward map of RoIAlign as a node of the graph (only built for double backward). Arguments: grad_output, rois,
    /// <see cref="RoIAlignParameters"/>, the <see cref="Precomputed"/> gradient of the input. Its backward is RoIAlign.
    /// </summary>
    internal sealed class RoIAlignAdjointFunction : SingleTensorFunction<RoIAlignAdjointFunction>
    {
        private const string ParametersKey = "p";

        public override string Name => "RoIAlignBackwardBackward";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            ctx.save_for_backward(new List<Tensor> { (Tensor)vars[1] });
            ctx.save_data(ParametersKey, (RoIAlignParameters)vars[2]);
            ctx.set_materialize_grads(false);
            return ((Precomputed)vars[3]).Value;
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
            AutogradCallbacks.Run("roi_align (double backward)", ctx, grad_output, inputs: 4, (grad, rois) =>
            {
                var p = (RoIAlignParameters)ctx.get_data(ParametersKey);
                var x = grad.contiguous();
                var output = RoIAlignNative.Forward(x, rois, p);
                if (torch.is_grad_enabled() && grad.requires_grad)
                    output = RoIAlignFunction.apply(x, rois, p, new Precomputed(output));
                return output;
            });
    }

    /// <summary>
    /// Plumbing for backward functions called by libtorch's autograd engine through TorchSharp's callback. Two rules hold
    /// there: no exception may leave the callback (.NET cannot unwind through the engine's native frames; the process
    /// would end), and every tensor handle created in it must be released, without relying on the caller's dispose scope.
    /// </summary>
    internal static class AutogradCallbacks
    {
        // Gradients handed to the engine. The engine copies the handle's tensor after the callback returns, so the handle
        // can only be freed later: at this thread's next roi_align call or backward callback. (Thread-local: the engine
        // copies on the thread that ran the callback, so no other thread can free a handle before it is copied.)
        [ThreadStatic] private static List<Tensor>? returnedGradients;

        /// <summary>Frees the gradient handles this thread handed to the engine earlier.</summary>
        internal static void ReleaseReturnedGradients()
        {
            var list = returnedGradients;
            if (list is null || list.Count == 0) return;
            foreach (var t in list) t.Dispose();
            list.Clear();
        }

        /// <summary>
        /// Runs <paramref name="body"/>(grad_output, first saved tensor) and returns the gradient list for a function with
        /// <paramref name="inputs"/> forward arguments, the gradient of the first one in front. An undefined grad_output
        /// gives an undefined gradient. If body throws, the message goes to stderr and the returned gradient has a shape
        /// the engine refuses, so that backward() fails with libtorch's error instead of the process ending.
        /// </summary>
        internal static List<Tensor> Run(string op, AutogradContext ctx, Tensor gradOutput, int inputs, Func<Tensor, Tensor, Tensor> body)
        {
            var gradients = new List<Tensor>(new Tensor[inputs]);
            List<Tensor>? saved = null;
            try
            {
                ReleaseReturnedGradients();
                if (gradOutput is null || gradOutput.IsInvalid) return gradients;
                saved = ctx.get_saved_variables();
                Tensor result;
                using (var scope = NewDisposeScope())
                {
                    result = body(gradOutput, saved[0]);
                    result.DetachFromDisposeScope();
                }
                Keep(result);
                gradients[0] = result;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"{op}: backward failed, the autograd engine will report an invalid gradient. {e}");
                try
                {
                    var refused = torch.zeros(new long[] { 1, 1, 1, 1, 1, 1, 1, 1 });  // more dimensions than any input: never a valid gradient
                    refused.DetachFromDisposeScope();
                    Keep(refused);
                    gradients[0] = refused;
                }
                catch (Exception)
                {
                    // Nothing more can be done without throwing: an undefined gradient (zero) is returned.
                }
            }
            finally
            {
                // The handles TorchSharp created for this callback belong to it, not to the engine.
                if (saved is not null) foreach (var t in saved) t?.Dispose();
                gradOutput?.Dispose();
            }
            return gradients;
        }

        private static void Keep(Tensor gradient) => (returnedGradients ??= new List<Tensor>()).Add(gradient);
    }
}
