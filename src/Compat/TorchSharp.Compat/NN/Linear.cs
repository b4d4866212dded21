using TorchSharp.Modules;
using System;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Modules
{
    /// <summary>y = x Wᵀ + b.</summary>
    public sealed class Linear : torch.nn.Module<Tensor, Tensor>
    {
        private Parameter? _weight;
        private Parameter? _bias;

        internal Linear(Parameter weight, Parameter? bias) : base(nameof(Linear))
        {
            var shape = weight.shape;
            if (shape.Length != 2) throw new ArgumentException($"Linear weight must be 2-D, got [{string.Join(", ", shape)}].", nameof(weight));
            in_features = shape[1];
            out_features = shape[0];
            this.weight = weight;
            this.bias = bias;
        }

        /// <summary>The weight, [out_features, in_features].</summary>
        public Parameter weight
        {
            get => _weight!;
            set
            {
                _weight = value ?? throw new ArgumentNullException(nameof(weight));
                register_parameter(nameof(weight), value);
            }
        }

        /// <summary>The bias, [out_features], if any.</summary>
        public Parameter? bias
        {
            get => _bias;
            set
            {
                _bias = value;
                if (value is null) UnregisterParameter(nameof(bias));
                else register_parameter(nameof(bias), value);
            }
        }

        public long in_features { get; set; }
        public long out_features { get; set; }

        public override Tensor forward(Tensor tensor)
        {
            long last = tensor.shape[^1];
            if (last != in_features)
                throw new ArgumentException($"Linear expects inputs whose last dimension is {in_features}; got [{string.Join(", ", tensor.shape)}].", nameof(tensor));
            return F.linear(tensor, weight, bias);
        }
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>A fully connected layer, initialised as PyTorch does (Kaiming-uniform weight, uniform bias).</summary>
            public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null)
            {
                if (inputSize <= 0 || outputSize <= 0)
                    throw new ArgumentException($"Linear sizes must be positive, got {inputSize} -> {outputSize}.");
                var weight = new Parameter(empty(new[] { outputSize, inputSize }, dtype, device));
                init.kaiming_uniform_(weight, Math.Sqrt(5));
                Parameter? bias = null;
                if (hasBias)
                {
                    bias = new Parameter(empty(new[] { outputSize }, dtype, device));
                    double bound = 1 / Math.Sqrt(inputSize);
                    init.uniform_(bias, -bound, bound);
                }
                return new Linear(weight, bias);
            }

            /// <summary>A fully connected layer over existing parameters.</summary>
            public static Linear Linear(Parameter weight, Parameter? bias = null) => new Linear(weight, bias);
        }
    }
}
