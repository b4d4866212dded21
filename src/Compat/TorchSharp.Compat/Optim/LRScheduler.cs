using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>Learning-rate schedules with PyTorch 1.13's semantics (chainable get_lr and closed forms).</summary>
            public static partial class lr_scheduler
            {
                /// <summary>
                /// Base of the schedulers. The base rates are the groups' initial rates (recorded when the optimizer was
                /// built); each concrete schedule then performs the first step, so that the optimizer starts at the epoch-0 rate.
                /// </summary>
                public abstract class LRScheduler
                {
                    private protected Optimizer _optimizer = null!;
                    private protected int _last_epoch;
                    private protected List<double> _base_lrs = new();
                    private protected List<double> lastLearningRates = new();
                    private protected bool _verbose;

                    /// <summary>Times step() has been called.</summary>
                    protected int _step_count;

                    protected LRScheduler() { }

                    protected LRScheduler(Optimizer optimizer, int last_epoch = -1, bool verbose = false)
                    {
                        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
                        _verbose = verbose;
                        // A group's initial rate is recorded once, when the optimizer creates the group (PyTorch's
                        // setdefault): a second scheduler on the same optimizer must not overwrite it.
                        _base_lrs = optimizer.ParamGroups.Select(g => g.InitialLearningRate).ToList();
                        _last_epoch = last_epoch;
                    }

                    private protected void InitialStep()
                    {
                        _step_count = 0;
                        step();
                    }

                    /// <summary>Advances one epoch (or iteration) and sets the new rates.</summary>
                    public virtual void step() => Advance();

                    private protected virtual void Advance()
                    {
                        _step_count++;
                        _last_epoch++;
                        Apply(get_lr());
                    }

                    /// <summary>Jumps to <paramref name="epoch"/> (using the closed form where the schedule has one).</summary>
                    public virtual void step(int? epoch)
                    {
                        if (!epoch.HasValue)
                        {
                            step();
                            return;
                        }
                        _step_count++;
                        _last_epoch = epoch.Value;
                        Apply(get_closed_form_lr() ?? get_lr());
                    }

                    /// <summary>Metric-driven step (used by plateau schedules); other schedules ignore the metric.</summary>
                    public virtual void step(double current, int? epoch = null) => step(epoch);

                    /// <summary>The rates set by the last step.</summary>
                    public IEnumerable<double> get_last_lr() => lastLearningRates;

                    /// <summary>The rates for the current epoch, computed from the previous ones (chainable form).</summary>
                    public virtual IEnumerable<double> get_lr() => _optimizer.ParamGroups.Select(g => g.LearningRate).ToList();

                    /// <summary>The rates for the current epoch from the base rates alone, or null when the schedule has no closed form.</summary>
                    public virtual IEnumerable<double> get_closed_form_lr() => null;

                    internal int LastEpoch { get => _last_epoch; set => _last_epoch = value; }

                    internal IEnumerable<double> CurrentRates => _optimizer.ParamGroups.Select(g => g.LearningRate);

                    private void Apply(IEnumerable<double> rates)
                    {
                        var values = rates.ToList();
                        int i = 0;
                        foreach (var g in _optimizer.ParamGroups) g.LearningRate = values[i++];
                        lastLearningRates = values;
                        if (_verbose) Console.WriteLine($"Epoch {_last_epoch}: learning rates {string.Join(", ", values)}");
                    }
                }

                public static LRScheduler StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1, bool verbose = false) =>
                    new impl.StepLR(optimizer, step_size, gamma, last_epoch, verbose);

                public static LRScheduler MultiStepLR(Optimizer optimizer, IList<int> milestones, double gamma = 0.1, int last_epoch = -1, bool verbose = false) =>
                    new impl.MultiStepLR(optimizer, milestones, gamma, last_epoch, verbose);

                public static LRScheduler LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5, int last_epoch = -1, bool verbose = false) =>
                    new impl.LinearLR(optimizer, start_factor, end_factor, total_iters, last_epoch, verbose);

                public static LRScheduler ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int total_iters = 5, int last_epoch = -1, bool verbose = false) =>
                    new impl.ConstantLR(optimizer, factor, total_iters, last_epoch, verbose);

                public static LRScheduler CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false) =>
                    new impl.CosineAnnealingLR(optimizer, T_max, eta_min, last_epoch, verbose);

                public static LRScheduler LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda, int last_epoch = -1, bool verbose = false) =>
                    new impl.LambdaLR(optimizer, lr_lambda, last_epoch, verbose);

                public static LRScheduler SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<int> milestones, int last_epoch = -1) =>
                    new impl.SequentialLR(optimizer, schedulers, milestones, last_epoch);

                /// <summary>The schedule implementations.</summary>
                public static class impl
                {
                    /// <summary>Multiplies the rate by gamma every step_size epochs.</summary>
                    public class StepLR : LRScheduler
                    {
                        private readonly int stepSize;
                        private readonly double gamma;

                        public StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            if (step_size <= 0) throw new ArgumentException($"step_size must be positive, got {step_size}.", nameof(step_size));
                            stepSize = step_size;
                            this.gamma = gamma;
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr() =>
                            _last_epoch == 0 || _last_epoch % stepSize != 0 ? CurrentRates.ToList() : CurrentRates.Select(r => r * gamma).ToList();

                        public override IEnumerable<double> get_closed_form_lr() =>
                            _base_lrs.Select(b => b * Math.Pow(gamma, _last_epoch / stepSize)).ToList();
                    }

                    /// <summary>Multiplies the rate by gamma at each milestone epoch.</summary>
                    public class MultiStepLR : LRScheduler
                    {
                        private readonly List<int> milestones;
                        private readonly double gamma;

                        public MultiStepLR(Optimizer optimizer, IList<int> milestones, double gamma = 0.1, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            this.milestones = milestones.OrderBy(m => m).ToList();
                            this.gamma = gamma;
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr()
                        {
                            int hits = milestones.Count(m => m == _last_epoch);
                            return hits == 0 ? CurrentRates.ToList() : CurrentRates.Select(r => r * Math.Pow(gamma, hits)).ToList();
                        }

                        public override IEnumerable<double> get_closed_form_lr()
                        {
                            int passed = milestones.Count(m => m <= _last_epoch);
                            return _base_lrs.Select(b => b * Math.Pow(gamma, passed)).ToList();
                        }
                    }

                    /// <summary>Scales the rate linearly from start_factor to end_factor over total_iters epochs.</summary>
                    public class LinearLR : LRScheduler
                    {
                        private readonly double start;
                        private readonly double end;
                        private readonly int total;

                        public LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            if (start_factor <= 0 || start_factor > 1) throw new ArgumentException($"start_factor must be in (0, 1], got {start_factor}.", nameof(start_factor));
                            if (end_factor < 0 || end_factor > 1) throw new ArgumentException($"end_factor must be in [0, 1], got {end_factor}.", nameof(end_factor));
                            start = start_factor;
                            end = end_factor;
                            total = total_iters;
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr()
                        {
                            if (total == 0) return CurrentRates.ToList();
                            if (_last_epoch == 0) return CurrentRates.Select(r => r * start).ToList();
                            if (_last_epoch > total) return CurrentRates.ToList();
                            double factor = 1 + (end - start) / (total * start + (_last_epoch - 1) * (end - start));
                            return CurrentRates.Select(r => r * factor).ToList();
                        }

                        public override IEnumerable<double> get_closed_form_lr() =>
                            _base_lrs.Select(b => b * (start + (end - start) * Math.Min(total, _last_epoch) / total)).ToList();
                    }

                    /// <summary>Multiplies the rate by a constant factor until total_iters epochs have passed.</summary>
                    public class ConstantLR : LRScheduler
                    {
                        private readonly double factor;
                        private readonly int total;

                        public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int total_iters = 5, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            if (factor <= 0 || factor > 1) throw new ArgumentException($"factor must be in (0, 1], got {factor}.", nameof(factor));
                            this.factor = factor;
                            total = total_iters;
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr()
                        {
                            if (_last_epoch == 0) return CurrentRates.Select(r => r * factor).ToList();
                            if (_last_epoch != total) return CurrentRates.ToList();
                            return CurrentRates.Select(r => r / factor).ToList();
                        }

                        public override IEnumerable<double> get_closed_form_lr() =>
                            _base_lrs.Select(b => b * (factor + (_last_epoch >= total ? 1 - factor : 0))).ToList();
                    }

                    /// <summary>Cosine annealing from the base rate to eta_min over T_max epochs.</summary>
                    public class CosineAnnealingLR : LRScheduler
                    {
                        private readonly double tMax;
                        private readonly double etaMin;

                        public CosineAnnealingLR(Optimizer optimizer, double T_max, double eta_min = 0, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            if (T_max <= 0) throw new ArgumentException($"T_max must be positive, got {T_max}.", nameof(T_max));
                            tMax = T_max;
                            etaMin = eta_min;
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr()
                        {
                            var current = CurrentRates.ToList();
                            if (_last_epoch == 0) return current;
                            if ((_last_epoch - 1 - tMax) % (2 * tMax) == 0)
                                return current.Select((r, i) => r + (_base_lrs[i] - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2).ToList();
                            double ratio = (1 + Math.Cos(Math.PI * _last_epoch / tMax)) / (1 + Math.Cos(Math.PI * (_last_epoch - 1) / tMax));
                            return current.Select(r => ratio * (r - etaMin) + etaMin).ToList();
                        }

                        public override IEnumerable<double> get_closed_form_lr() =>
                            _base_lrs.Select(b => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * _last_epoch / tMax)) / 2).ToList();
                    }

                    /// <summary>Sets each rate to its base rate times lr_lambda(epoch).</summary>
                    public class LambdaLR : LRScheduler
                    {
                        private readonly List<Func<int, double>> lambdas;

                        public LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda, int last_epoch = -1, bool verbose = false)
                            : this(optimizer, Enumerable.Repeat(lr_lambda, optimizer.ParamGroups.Count()), last_epoch, verbose)
                        {
                        }

                        public LambdaLR(Optimizer optimizer, IEnumerable<Func<int, double>> lr_lambdas, int last_epoch = -1, bool verbose = false)
                            : base(optimizer, last_epoch, verbose)
                        {
                            lambdas = lr_lambdas.ToList();
                            if (lambdas.Count != optimizer.ParamGroups.Count())
                                throw new ArgumentException($"Expected {optimizer.ParamGroups.Count()} lambdas, one per parameter group; got {lambdas.Count}.", nameof(lr_lambdas));
                            InitialStep();
                        }

                        public override IEnumerable<double> get_lr() => _base_lrs.Select((b, i) => b * lambdas[i](_last_epoch)).ToList();
                    }

                    /// <summary>Runs one scheduler after another, switching at the milestones.</summary>
                    public class SequentialLR : LRScheduler
                    {
                        private readonly List<LRScheduler> schedulers;
                        private readonly List<int> milestones;

                        public SequentialLR(Optimizer optimizer, IEnumerable<LRScheduler> schedulers, IEnumerable<int> milestones, int last_epoch = -1)
                        {
                            this.schedulers = schedulers.ToList();
                            this.milestones = milestones.ToList();
                            if (this.schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one scheduler.", nameof(schedulers));
                            if (this.milestones.Count != this.schedulers.Count - 1)
                                throw new ArgumentException($"SequentialLR needs {this.schedulers.Count - 1} milestones for {this.schedulers.Count} schedulers, got {this.milestones.Count}.", nameof(milestones));
                            _optimizer = optimizer;
                            _last_epoch = last_epoch + 1;
                            // Undo the first steps the inner schedulers took when they were built, then start the first one.
                            foreach (var g in optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate;
                            foreach (var s in this.schedulers) s.LastEpoch--;
                            this.schedulers[0].step();
                            _base_lrs = optimizer.ParamGroups.Select(g => g.InitialLearningRate).ToList();
                            lastLearningRates = this.schedulers[0].get_last_lr().ToList();
                        }

                        private protected override void Advance()
                        {
                            _last_epoch++;
                            _step_count++;
                            int index = milestones.Count(m => m <= _last_epoch);
                            var scheduler = schedulers[index];
                            if (index > 0 && milestones[index - 1] == _last_epoch) scheduler.step(0);
                            else scheduler.step();
                            lastLearningRates = scheduler.get_last_lr().ToList();
                        }

                        public override IEnumerable<double> get_lr() => CurrentRates.ToList();
                    }
                }
            }
        }
    }
}
