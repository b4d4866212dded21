using TorchSharp.Modules;
using System;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Modules
{
    /// <summary>Marks modules that hold no parameters or buffers.</summary>
    public interface IParameterLessModule { }

    /// <summary>A module without state: registering parameters, buffers or submodules is refused.</summary>
    public abstract class ParameterLessModule<T1, TResult> : torch.nn.Module<T1, TResult>, IParameterLessModule
    {
        protected ParameterLessModule(string name) : base(name) { }

        public override void register_buffer(string name, Tensor tensor, bool persistent = true) =>
            throw new InvalidOperationException($"{GetName()} cannot hold buffers.");

        public override void register_parameter(string name, Parameter param) =>
            throw new InvalidOperationException($"{GetName()} cannot hold parameters.");

        public override void register_module(string name, torch.nn.Module submodule) =>
            throw new InvalidOperationException($"{GetName()} cannot hold submodules.");
    }

    /// <summary>max(x, 0).</summary>
    public sealed class ReLU : ParameterLessModule<Tensor, Tensor>
    {
        internal ReLU(bool inplace) : base(nameof(ReLU)) { this.inplace = inplace; }

        public bool inplace { get; set; }

        public override Tensor forward(Tensor tensor) => F.relu(tensor, inplace);
    }

    /// <summary>1 / (1 + exp(-x)).</summary>
    public sealed class Sigmoid : ParameterLessModule<Tensor, Tensor>
    {
        internal Sigmoid(bool inplace) : base(nameof(Sigmoid)) { this.inplace = inplace; }

        public bool inplace { get; set; }

        public override Tensor forward(Tensor tensor) => F.sigmoid(tensor, inplace);
    }

    /// <summary>Returns its input (as a new handle to the same tensor).</summary>
    public sealed class Identity : ParameterLessModule<Tensor, Tensor>
    {
        internal Identity() : base(nameof(Identity)) { }

        public override Tensor forward(Tensor tensor) => tensor.alias();
    }

    /// <summary>2-D max pooling.</summary>
    public sealed class MaxPool2d : ParameterLessModule<Tensor, Tensor>
    {
        internal MaxPool2d(long[] kernel_size, long[]? stride, long[]? padding, long[]? dilation, bool ceil_mode) : base(nameof(MaxPool2d))
        {
            this.kernel_size = kernel_size;
            this.stride = stride ?? kernel_size;
            this.padding = padding ?? new long[] { 0, 0 };
            this.dilation = dilation ?? new long[] { 1, 1 };
            this.ceil_mode = ceil_mode;
        }

        public long[] kernel_size { get; set; }
        public long[] stride { get; set; }
        public long[] padding { get; set; }
        public long[] dilation { get; set; }
        public bool ceil_mode { get; set; }

        public override Tensor forward(Tensor input) => F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
    }

    /// <summary>Averages each channel down to a fixed output size.</summary>
    public sealed class AdaptiveAvgPool2d : ParameterLessModule<Tensor, Tensor>
    {
        internal AdaptiveAvgPool2d(long[] output_size) : base(nameof(AdaptiveAvgPool2d)) { this.output_size = output_size; }

        public long[] output_size { get; set; }

        public override Tensor forward(Tensor input) => F.adaptive_avg_pool2d(input, output_size);
    }

    /// <summary>Flattens dimensions start_dim..end_dim.</summary>
    public sealed class Flatten : ParameterLessModule<Tensor, Tensor>
    {
        internal Flatten(long start_dim, long end_dim) : base(nameof(Flatten))
        {
            this.start_dim = start_dim;
            this.end_dim = end_dim;
        }

        public long start_dim { get; set; }
        public long end_dim { get; set; }

        public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
    }

    /// <summary>Zeroes elements with probability p in training mode (scaling the rest by 1/(1-p)).</summary>
    public sealed class Dropout : ParameterLessModule<Tensor, Tensor>
    {
        internal Dropout(double p, bool inplace) : base(nameof(Dropout))
        {
            this.p = p;
            this.inplace = inplace;
        }

        public double p { get; set; }
        public bool inplace { get; set; }

        public override Tensor forward(Tensor tensor) => F.dropout(tensor, p, training, inplace);
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            /// <summary>A new handle to the same tensor (shared storage and autograd identity).</summary>
            public Tensor alias() => Wrap(Native.NativeMethods.tsb_tensor_alias(Handle));
        }

        public static partial class nn
        {
            public static ReLU ReLU(bool inplace = false) => new ReLU(inplace);
            public static Sigmoid Sigmoid() => new Sigmoid(false);
            public static Sigmoid Sigmoid(bool inplace) => new Sigmoid(inplace);
            public static Identity Identity() => new Identity();
            public static Flatten Flatten(long start_dim = 1, long end_dim = -1) => new Flatten(start_dim, end_dim);
            public static Dropout Dropout(double p = 0.5, bool inplace = false) => new Dropout(p, inplace);

            public static MaxPool2d MaxPool2d(long kernel_size, long? stride = null, long? padding = null, long? dilation = null, bool ceil_mode = false) =>
                new MaxPool2d(new[] { kernel_size, kernel_size }, stride.HasValue ? new[] { stride.Value, stride.Value } : null,
                              padding.HasValue ? new[] { padding.Value, padding.Value } : null,
                              dilation.HasValue ? new[] { dilation.Value, dilation.Value } : null, ceil_mode);

            public static MaxPool2d MaxPool2d((long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null, (long, long)? dilation = null, bool ceil_mode = false) =>
                new MaxPool2d(new[] { kernel_size.Item1, kernel_size.Item2 }, stride.HasValue ? new[] { stride.Value.Item1, stride.Value.Item2 } : null,
                              padding.HasValue ? new[] { padding.Value.Item1, padding.Value.Item2 } : null,
                              dilation.HasValue ? new[] { dilation.Value.Item1, dilation.Value.Item2 } : null, ceil_mode);

            public static MaxPool2d MaxPool2d(long[] kernel_size, long[] stride = null, long[] padding = null, long[] dilation = null, bool ceil_mode = false) =>
                new MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode);

            public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long output_size) => new AdaptiveAvgPool2d(new[] { output_size, output_size });
            public static AdaptiveAvgPool2d AdaptiveAvgPool2d((long, long) output_size) => new AdaptiveAvgPool2d(new[] { output_size.Item1, output_size.Item2 });
            public static AdaptiveAvgPool2d AdaptiveAvgPool2d(long[] output_size) => new AdaptiveAvgPool2d(output_size);
        }
    }
}
