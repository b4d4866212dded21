using TorchSharp.Modules;
using System;
using System.Linq;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Modules
{
    /// <summary>Shared state of the convolution modules: weight, optional bias and geometry.</summary>
    public abstract class Convolution : torch.nn.Module<Tensor, Tensor>
    {
        internal Convolution(string name, long in_channels, long out_channels, long[] kernel_size, long[] stride, long[]? padding, Padding? padding_type,
                             long[] dilation, bool transposed, long[] output_padding, long groups, bool bias, PaddingModes padding_mode,
                             Device? device, ScalarType? dtype) : base(name)
        {
            if (in_channels <= 0 || out_channels <= 0)
                throw new ArgumentException($"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must be positive.");
            if (groups <= 0 || in_channels % groups != 0 || out_channels % groups != 0)
                throw new ArgumentException($"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups}).");
            this.in_channels = in_channels;
            this.out_channels = out_channels;
            this.kernel_size = kernel_size;
            this.stride = stride;
            this.padding = padding;
            this.padding_type = padding_type;
            this.dilation = dilation;
            this.transposed = transposed;
            this.output_padding = output_padding;
            this.groups = groups;
            this.padding_mode = padding_mode;
            long[] weightShape = transposed
                ? new[] { in_channels, out_channels / groups }.Concat(kernel_size).ToArray()
                : new[] { out_channels, in_channels / groups }.Concat(kernel_size).ToArray();
            weight = new Parameter(torch.empty(weightShape, dtype, device));
            if (bias) this.bias = new Parameter(torch.empty(new[] { out_channels }, dtype, device));
            reset_parameters();
        }

        protected Parameter? _weight;
        protected Parameter? _bias;

        /// <summary>The convolution kernel.</summary>
        public Parameter weight
        {
            get => _weight!;
            set
            {
                _weight = value ?? throw new ArgumentNullException(nameof(weight));
                register_parameter(nameof(weight), value);
            }
        }

        /// <summary>The per-output-channel bias, if any.</summary>
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

        public long in_channels { get; }
        public long out_channels { get; }
        public long[] kernel_size { get; set; }
        public long[] stride { get; set; }
        public long[]? padding { get; private set; }
        public Padding? padding_type { get; private set; }
        public long[] dilation { get; set; }
        public bool transposed { get; }
        public long[] output_padding { get; set; }
        public long groups { get; set; }
        public PaddingModes padding_mode { get; set; }

        /// <summary>PyTorch's default initialisation: Kaiming-uniform weight (a = sqrt 5), bias uniform in ±1/sqrt(fan_in).</summary>
        public void reset_parameters()
        {
            torch.nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
            if (bias is null) return;
            var (fanIn, _) = torch.nn.init.CalculateFanInAndFanOut(weight);
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            torch.nn.init.uniform_(bias, -bound, bound);
        }

        private protected void ValidateInput(Tensor input)
        {
            long rank = input.dim();
            if (rank != 4 && rank != 3)
                throw new ArgumentException($"{GetName()} expects a 3-D (C,H,W) or 4-D (N,C,H,W) input; got {rank}-D [{string.Join(", ", input.shape)}].");
        }
    }

    /// <summary>2-D convolution over (N, C, H, W) inputs.</summary>
    public sealed class Conv2d : Convolution
    {
        internal Conv2d(long in_channels, long out_channels, long[] kernel_size, long[] stride, long[]? padding, Padding? padding_type, long[] dilation,
                        PaddingModes padding_mode, long groups, bool bias, Device? device, ScalarType? dtype)
            : base(nameof(Conv2d), in_channels, out_channels, kernel_size, stride, padding, padding_type, dilation, false, new long[] { 0, 0 },
                   groups, bias, padding_mode, device, dtype)
        {
        }

        public override Tensor forward(Tensor input)
        {
            ValidateInput(input);
            if (padding_type.HasValue)
                return F.conv2d(input, weight, bias, stride, padding_type.Value, dilation, groups);
            var explicitPadding = padding!;
            if (padding_mode == PaddingModes.Zeros || padding_mode == PaddingModes.Constant || explicitPadding.All(p => p == 0))
                return F.conv2d(input, weight, bias, stride, explicitPadding, dilation, groups);
            // Non-zero padding modes pad explicitly (left, right, top, bottom), then convolve without padding.
            using var padded = F.pad(input, new[] { explicitPadding[1], explicitPadding[1], explicitPadding[0], explicitPadding[0] }, padding_mode);
            return F.conv2d(padded, weight, bias, stride, new long[] { 0, 0 }, dilation, groups);
        }
    }

    /// <summary>Shared base of transposed convolutions.</summary>
    public abstract class ConvolutionTranspose : Convolution
    {
        internal ConvolutionTranspose(string name, long in_channels, long out_channels, long[] kernel_size, long[] stride, long[] padding, long[] dilation,
                                      long[] output_padding, long groups, bool bias, PaddingModes padding_mode, Device? device, ScalarType? dtype)
            : base(name, in_channels, out_channels, kernel_size, stride, padding, null, dilation, true, output_padding, groups, bias, padding_mode, device, dtype)
        {
            if (padding_mode != PaddingModes.Zeros)
                throw new ArgumentException($"{name} only supports PaddingModes.Zeros, as in PyTorch.", nameof(padding_mode));
        }

        public override Tensor forward(Tensor input) => forward(input, null);

        /// <summary>Runs the transposed convolution; <paramref name="output_size"/> picks the output padding that yields that size.</summary>
        public abstract Tensor forward(Tensor input, long[]? output_size);
    }

    /// <summary>2-D transposed convolution ("deconvolution") over (N, C, H, W) inputs.</summary>
    public sealed class ConvTranspose2d : ConvolutionTranspose
    {
        internal ConvTranspose2d(long in_channels, long out_channels, long[] kernel_size, long[] stride, long[] padding, long[] output_padding,
                                 long[] dilation, PaddingModes padding_mode, long groups, bool bias, Device? device, ScalarType? dtype)
            : base(nameof(ConvTranspose2d), in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding, groups, bias, padding_mode, device, dtype)
        {
        }

        public override Tensor forward(Tensor input, long[]? output_size)
        {
            ValidateInput(input);
            var extra = output_padding;
            if (output_size is not null)
            {
                var spatial = input.shape.Skip((int)input.dim() - 2).ToArray();
                var wanted = output_size.Skip(output_size.Length - 2).ToArray();
                extra = new long[2];
                for (int d = 0; d < 2; d++)
                {
                    long minimum = (spatial[d] - 1) * stride[d] - 2 * padding![d] + dilation[d] * (kernel_size[d] - 1) + 1;
                    extra[d] = wanted[d] - minimum;
                    if (extra[d] < 0 || extra[d] >= Math.Max(stride[d], dilation[d]))
                        throw new ArgumentException($"Requested output size [{string.Join(", ", wanted)}] is not reachable from input [{string.Join(", ", spatial)}].", nameof(output_size));
                }
            }
            return F.conv_transpose2d(input, weight, bias, stride, padding, extra, dilation, groups);
        }
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>A 2-D convolution with a square kernel.</summary>
            public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1,
                                        PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
                new Conv2d(in_channels, out_channels, new[] { kernel_size, kernel_size }, new[] { stride, stride }, new[] { padding, padding }, null,
                           new[] { dilation, dilation }, padding_mode, groups, bias, device, dtype);

            /// <summary>A 2-D convolution with a rectangular kernel.</summary>
            public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null, (long, long)? padding = null,
                                        (long, long)? dilation = null, PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true,
                                        Device? device = null, ScalarType? dtype = null)
            {
                var s = stride ?? (1, 1);
                var p = padding ?? (0, 0);
                var d = dilation ?? (1, 1);
                return new Conv2d(in_channels, out_channels, new[] { kernel_size.Item1, kernel_size.Item2 }, new[] { s.Item1, s.Item2 },
                                  new[] { p.Item1, p.Item2 }, null, new[] { d.Item1, d.Item2 }, padding_mode, groups, bias, device, dtype);
            }

            /// <summary>A 2-D convolution with "same" or "valid" padding.</summary>
            public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, Padding padding, long stride = 1, long dilation = 1,
                                        PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
                new Conv2d(in_channels, out_channels, new[] { kernel_size, kernel_size }, new[] { stride, stride }, null, padding,
                           new[] { dilation, dilation }, padding_mode, groups, bias, device, dtype);

            /// <summary>A 2-D transposed convolution with a square kernel.</summary>
            public static ConvTranspose2d ConvTranspose2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0,
                                                          long output_padding = 0, long dilation = 1, PaddingModes padding_mode = PaddingModes.Zeros,
                                                          long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
                new ConvTranspose2d(in_channels, out_channels, new[] { kernel_size, kernel_size }, new[] { stride, stride }, new[] { padding, padding },
                                    new[] { output_padding, output_padding }, new[] { dilation, dilation }, padding_mode, groups, bias, device, dtype);

            /// <summary>A 2-D transposed convolution with a rectangular kernel.</summary>
            public static ConvTranspose2d ConvTranspose2d(long in_channels, long out_channels, (long, long) kernel_size, (long, long)? stride = null,
                                                          (long, long)? padding = null, (long, long)? output_padding = null, (long, long)? dilation = null,
                                                          PaddingModes padding_mode = PaddingModes.Zeros, long groups = 1, bool bias = true,
                                                          Device? device = null, ScalarType? dtype = null)
            {
                var s = stride ?? (1, 1);
                var p = padding ?? (0, 0);
                var o = output_padding ?? (0, 0);
                var d = dilation ?? (1, 1);
                return new ConvTranspose2d(in_channels, out_channels, new[] { kernel_size.Item1, kernel_size.Item2 }, new[] { s.Item1, s.Item2 },
                                           new[] { p.Item1, p.Item2 }, new[] { o.Item1, o.Item2 }, new[] { d.Item1, d.Item2 }, padding_mode, groups,
                                           bias, device, dtype);
            }
        }
    }
}
