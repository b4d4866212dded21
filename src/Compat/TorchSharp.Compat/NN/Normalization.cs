using TorchSharp.Modules;
using System;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Modules
{
    /// <summary>State shared by batch normalisation layers: affine parameters and running statistics.</summary>
    public abstract class NormBase : torch.nn.Module<Tensor, Tensor>
    {
        private Parameter? _weight;
        private Parameter? _bias;
        private Tensor? _running_mean;
        private Tensor? _running_var;
        private Tensor? _num_batches_tracked;

        internal NormBase(long num_features, double eps, double? momentum, bool affine, bool track_running_stats, Device? device, ScalarType? dtype, string name)
            : base(name)
        {
            if (num_features <= 0) throw new ArgumentException($"{name}: num_features must be positive, got {num_features}.", nameof(num_features));
            this.num_features = num_features;
            this.eps = eps;
            this.momentum = momentum;
            this.affine = affine;
            this.track_running_stats = track_running_stats;
            if (affine)
            {
                weight = new Parameter(ones(new[] { num_features }, dtype, device));
                bias = new Parameter(zeros(new[] { num_features }, dtype, device));
            }
            if (track_running_stats)
            {
                running_mean = zeros(new[] { num_features }, dtype, device);
                running_var = ones(new[] { num_features }, dtype, device);
                num_batches_tracked = zeros(new long[] { }, ScalarType.Int64, device);
            }
        }

        public long num_features { get; }
        public double eps { get; set; }
        public double? momentum { get; set; }
        public bool affine { get; }
        public bool track_running_stats { get; }

        public Parameter weight
        {
            get => _weight!;
            set { _weight = value; Register(nameof(weight), value); }
        }

        public Parameter? bias
        {
            get => _bias;
            set { _bias = value; Register(nameof(bias), value); }
        }

        public Tensor? running_mean
        {
            get => _running_mean;
            set { _running_mean = value; RegisterBuffer(nameof(running_mean), value); }
        }

        public Tensor? running_var
        {
            get => _running_var;
            set { _running_var = value; RegisterBuffer(nameof(running_var), value); }
        }

        public Tensor? num_batches_tracked
        {
            get => _num_batches_tracked;
            set { _num_batches_tracked = value; RegisterBuffer(nameof(num_batches_tracked), value); }
        }

        private void Register(string name, Parameter? value)
        {
            if (value is null) UnregisterParameter(name);
            else register_parameter(name, value);
        }

        private void RegisterBuffer(string name, Tensor? value)
        {
            if (value is null) UnregisterBuffer(name);
            else register_buffer(name, value);
        }

        /// <summary>Resets the running statistics to mean 0, variance 1 and no batches.</summary>
        public void reset_running_stats()
        {
            if (!track_running_stats) return;
            using (no_grad())
            {
                running_mean!.zero_();
                running_var!.fill_(1);
                num_batches_tracked!.zero_();
            }
        }

        /// <summary>Resets running statistics and the affine parameters (weight 1, bias 0).</summary>
        public void reset_parameters()
        {
            reset_running_stats();
            if (!affine) return;
            torch.nn.init.ones_(weight);
            torch.nn.init.zeros_(bias!);
        }

        protected abstract void ValidateInputDimensions(Tensor input);
    }

    /// <summary>Batch normalisation; running statistics are updated in training mode and used in evaluation mode.</summary>
    public abstract class BatchNorm : NormBase
    {
        internal BatchNorm(long num_features, double eps, double momentum, bool affine, bool track_running_stats, Device? device, ScalarType? dtype, string name)
            : base(num_features, eps, momentum, affine, track_running_stats, device, dtype, name)
        {
        }

        public override Tensor forward(Tensor input)
        {
            ValidateInputDimensions(input);
            double factor = momentum ?? 0.0;
            if (training && track_running_stats)
            {
                using (no_grad()) num_batches_tracked!.add_(1);
                // momentum = null means a cumulative moving average.
                if (!momentum.HasValue) factor = 1.0 / num_batches_tracked!.item<long>();
            }
            bool useBatchStatistics = training || !track_running_stats;
            return F.batch_norm(input,
                                !training || track_running_stats ? running_mean : null,
                                !training || track_running_stats ? running_var : null,
                                affine ? weight : null, bias, useBatchStatistics, factor, eps);
        }
    }

    /// <summary>Batch normalisation over (N, C, H, W) inputs.</summary>
    public sealed class BatchNorm2d : BatchNorm
    {
        internal BatchNorm2d(long num_features, double eps, double momentum, bool affine, bool track_running_stats, Device? device, ScalarType? dtype)
            : base(num_features, eps, momentum, affine, track_running_stats, device, dtype, nameof(BatchNorm2d))
        {
        }

        protected override void ValidateInputDimensions(Tensor input)
        {
            if (input.dim() != 4)
                throw new ArgumentException($"BatchNorm2d expects a 4-D (N,C,H,W) input; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }

    /// <summary>Group normalisation over (N, C, ...) inputs.</summary>
    public sealed class GroupNorm : torch.nn.Module<Tensor, Tensor>
    {
        private Parameter? _weight;
        private Parameter? _bias;

        internal GroupNorm(long num_groups, long num_channels, double eps, bool affine, Device? device, ScalarType? dtype) : base(nameof(GroupNorm))
        {
            if (num_groups <= 0 || num_channels % num_groups != 0)
                throw new ArgumentException($"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups}).");
            this.num_groups = num_groups;
            this.eps = eps;
            this.affine = affine;
            if (!affine) return;
            weight = new Parameter(ones(new[] { num_channels }, dtype, device));
            bias = new Parameter(zeros(new[] { num_channels }, dtype, device));
        }

        public long num_groups { get; set; }
        public double eps { get; set; }
        public bool affine { get; set; }

        public Parameter weight
        {
            get => _weight!;
            set { _weight = value; register_parameter(nameof(weight), value); }
        }

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

        public override Tensor forward(Tensor tensor) => F.group_norm(tensor, num_groups, _weight, _bias, eps);
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Batch normalisation over 4-D inputs.</summary>
            public static BatchNorm2d BatchNorm2d(long num_features, double eps = 1e-05, double momentum = 0.1, bool affine = true, bool track_running_stats = true,
                                                  Device? device = null, ScalarType? dtype = null) =>
                new BatchNorm2d(num_features, eps, momentum, affine, track_running_stats, device, dtype);

            /// <summary>Group normalisation.</summary>
            public static GroupNorm GroupNorm(long num_groups, long num_channels, double eps = 1e-05, bool affine = true, Device? device = null, ScalarType? dtype = null) =>
                new GroupNorm(num_groups, num_channels, eps, affine, device, dtype);
        }
    }
}
