using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace TorchSharp.Modules
{
    /// <summary>
    /// Stochastic gradient descent with PyTorch's update rule: d = g (negated when maximizing) + wd·p;
    /// b = μ·b + (1 - dampening)·d (b = d at the first step); d = d + μ·b with Nesterov, else b; p -= lr·d.
    /// </summary>
    public class SGD : OptimizerHelper, torch.optim.IMomentum
    {
        /// <summary>An optimizer over one group of parameters.</summary>
        public SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false)
            : this(new[] { new ParamGroup(parameters, new Options()) }, lr, momentum, dampening, weight_decay, nesterov, maximize)
        {
        }

        /// <summary>An optimizer over parameter groups; options a group leaves unset take these defaults.</summary>
        public SGD(IEnumerable<ParamGroup> parameters, double lr, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false)
        {
            if (lr < 0) throw new ArgumentException($"Invalid learning rate {lr}: it must be non-negative.", nameof(lr));
            if (momentum < 0) throw new ArgumentException($"Invalid momentum {momentum}: it must be non-negative.", nameof(momentum));
            if (weight_decay < 0) throw new ArgumentException($"Invalid weight_decay {weight_decay}: it must be non-negative.", nameof(weight_decay));
            if (nesterov && (momentum <= 0 || dampening != 0))
                throw new ArgumentException("Nesterov momentum requires a positive momentum and zero dampening.", nameof(nesterov));
            _defaults = new Options
            {
                LearningRate = lr, InitialLearningRate = lr, momentum = momentum, dampening = dampening,
                weight_decay = weight_decay, nesterov = nesterov, maximize = maximize,
            };
            foreach (var group in parameters) add_param_group(group);
        }

        /// <summary>The momentum of the default options (and of every group that has not overridden it).</summary>
        public double Momentum
        {
            get => ((Options)_defaults).momentum ?? 0;
            set
            {
                ((Options)_defaults).momentum = value;
                foreach (var g in _parameter_groups) ((Options)g.Options).momentum = value;
            }
        }

        public override void add_param_group(Modules.ParamGroup param_group)
        {
            var defaults = (Options)_defaults;
            if (param_group.Options is not Options options)
            {
                options = new Options { LearningRate = param_group.Options?.LearningRate };
                param_group.Options = options;
            }
            options.LearningRate ??= defaults.LearningRate;
            options.momentum ??= defaults.momentum;
            options.dampening ??= defaults.dampening;
            options.weight_decay ??= defaults.weight_decay;
            options.nesterov ??= defaults.nesterov;
            options.maximize ??= defaults.maximize;
            options.InitialLearningRate = options.LearningRate!.Value;
            param_group.Parameters = param_group.Parameters.ToList();
            _parameter_groups.Add(param_group);
            foreach (var p in param_group.Parameters)
            {
                if (states.ContainsKey(p)) throw new ArgumentException("A parameter appears in more than one parameter group.", nameof(param_group));
                var state = new State(p);
                state.Initialize(options);
                states[p] = state;
            }
        }

        public override Tensor step(Func<Tensor> closure = null) =>
            _step<Modules.ParamGroup>(group =>
            {
                var o = (Options)group.Options;
                double lr = o.LearningRate!.Value, momentum = o.momentum!.Value, dampening = o.dampening!.Value, decay = o.weight_decay!.Value;
                foreach (var param in group.Parameters)
                {
                    var grad = param.grad;
                    if (grad is null) continue;
                    var direction = o.maximize!.Value ? grad.neg() : grad;
                    if (decay != 0) direction = direction.add(param, decay);
                    if (momentum != 0)
                    {
                        var state = (State)states[param];
                        if (state.momentum_buffer is null)
                            state.momentum_buffer = direction.clone().detach().DetachFromDisposeScope();
                        else
                            state.momentum_buffer.mul_(momentum).add_(direction, 1 - dampening);
                        direction = o.nesterov!.Value ? direction.add(state.momentum_buffer, momentum) : state.momentum_buffer;
                    }
                    param.add_(direction, -lr);
                }
            }, closure);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            foreach (var state in states.Values) ((State)state).Dispose();
            states.Clear();
        }

        /// <summary>SGD's hyper-parameters; unset values take the optimizer's defaults.</summary>
        public class Options : OptimizerOptions
        {
            public double? momentum;
            public double? dampening;
            public double? weight_decay;
            public bool? nesterov;
            public bool? maximize;

            public override void SaveStateDict(BinaryWriter writer)
            {
                base.SaveStateDict(writer);
                writer.Write(momentum ?? 0);
                writer.Write(dampening ?? 0);
                writer.Write(weight_decay ?? 0);
                writer.Write(nesterov ?? false);
                writer.Write(maximize ?? false);
            }

            public override void LoadStateDict(BinaryReader reader)
            {
                base.LoadStateDict(reader);
                momentum = reader.ReadDouble();
                dampening = reader.ReadDouble();
                weight_decay = reader.ReadDouble();
                nesterov = reader.ReadBoolean();
                maximize = reader.ReadBoolean();
            }

            public override void LoadStateDict(OptimizerOptions source)
            {
                base.LoadStateDict(source);
                if (source is not Options o) return;
                momentum = o.momentum;
                dampening = o.dampening;
                weight_decay = o.weight_decay;
                nesterov = o.nesterov;
                maximize = o.maximize;
            }
        }

        /// <summary>A parameter group with SGD options.</summary>
        public class ParamGroup : ParamGroup<Options>, torch.optim.IMomentum
        {
            public ParamGroup() { }

            public ParamGroup(IEnumerable<Parameter> parameters, Options options) : base(parameters, options) { }

            public ParamGroup(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false)
                : base(parameters, new Options { LearningRate = lr, momentum = momentum, dampening = dampening, weight_decay = weight_decay, nesterov = nesterov, maximize = maximize })
            {
            }

            public double Momentum
            {
                get => Options.momentum ?? 0;
                set => Options.momentum = value;
            }
        }

        /// <summary>The momentum buffer of one parameter.</summary>
        public sealed class State : OptimizerState, IDisposable
        {
            public Tensor momentum_buffer;

            public State(Parameter parameter) : base(parameter) { }

            public void Dispose()
            {
                momentum_buffer?.Dispose();
                momentum_buffer = null;
            }

            public override void to(Device device)
            {
                if (momentum_buffer is null) return;
                var moved = momentum_buffer.to(device).DetachFromDisposeScope();
                momentum_buffer.Dispose();
                momentum_buffer = moved;
            }

            public override void SaveStateDict(BinaryWriter writer) => SaveConditionalStateTensor(writer, momentum_buffer);

            public override void LoadStateDict(BinaryReader reader) => LoadConditionalStateTensor(reader, ref momentum_buffer, _parameter.device);

            public override void LoadStateDict(OptimizerState source)
            {
                momentum_buffer?.Dispose();
                momentum_buffer = (source as State)?.momentum_buffer?.to(_parameter.device, copy: true).DetachFromDisposeScope();
            }

            public override void Initialize(OptimizerOptions options)
            {
                momentum_buffer?.Dispose();
                momentum_buffer = null;
            }

            public override bool ApproximatelyEquals(OptimizerState other) =>
                other is State s && (momentum_buffer is null ? s.momentum_buffer is null : s.momentum_buffer is not null && momentum_buffer.allclose(s.momentum_buffer));
        }
    }
}
