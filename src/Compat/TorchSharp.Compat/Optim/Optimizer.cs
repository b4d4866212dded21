using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class optim
        {
            /// <summary>A parameter group (or optimizer) whose learning rate a scheduler can drive.</summary>
            public interface ILearningRateController
            {
                double LearningRate { set; get; }
                double InitialLearningRate { set; get; }
            }

            /// <summary>An optimizer or parameter group with a momentum setting.</summary>
            public interface IMomentum
            {
                double Momentum { get; set; }
            }

            /// <summary>Base class of optimizers: parameter groups, gradient zeroing and the update step.</summary>
            public abstract partial class Optimizer : IDisposable
            {
                internal Optimizer() { }

                /// <summary>The parameter groups, each with its own options.</summary>
                protected IList<ParamGroup> _parameter_groups = new List<ParamGroup>();

                /// <summary>The parameter groups, as learning-rate controllers for schedulers.</summary>
                public virtual IEnumerable<ILearningRateController> ParamGroups => _parameter_groups;

                /// <summary>Clears the gradients of all parameters.</summary>
                public virtual void zero_grad()
                {
                    foreach (var p in parameters()) p.grad = null;
                }

                /// <summary>Updates the parameters from their gradients; returns the closure's loss, if a closure is given.</summary>
                public abstract Tensor step(Func<Tensor> closure = null);

                /// <summary>All parameters of all groups.</summary>
                public virtual IEnumerable<Parameter> parameters() => _parameter_groups.SelectMany(g => g.Parameters);

                /// <summary>Adds a parameter group.</summary>
                public abstract void add_param_group(ParamGroup param_group);

                public void Dispose()
                {
                    Dispose(true);
                    GC.SuppressFinalize(this);
                }

                protected virtual void Dispose(bool disposing) { }

                /// <summary>The optimizer's state: one options record per group, one state record per parameter.</summary>
                public sealed class StateDictionary
                {
                    internal StateDictionary(List<OptimizerOptions> options, List<OptimizerState> state)
                    {
                        Options = options;
                        State = state;
                    }

                    public List<OptimizerOptions> Options { get; }
                    public List<OptimizerState> State { get; }
                }
            }

            /// <summary>Stochastic gradient descent (with momentum, dampening, weight decay, Nesterov and maximize as in PyTorch).</summary>
            public static SGD SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
                new SGD(parameters, learningRate, momentum, dampening, weight_decay, nesterov, maximize);

            /// <summary>Stochastic gradient descent over named parameters.</summary>
            public static SGD SGD(IEnumerable<(string name, Parameter parameter)> parameters, double learningRate, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
                new SGD(parameters.Select(p => p.parameter), learningRate, momentum, dampening, weight_decay, nesterov, maximize);

            /// <summary>Stochastic gradient descent over parameter groups (each may override the defaults).</summary>
            public static SGD SGD(IEnumerable<Modules.SGD.ParamGroup> parameters, double learningRate, double momentum = 0.0, double dampening = 0, double weight_decay = 0, bool nesterov = false, bool maximize = false) =>
                new SGD(parameters, learningRate, momentum, dampening, weight_decay, nesterov, maximize);
        }
    }
}

namespace TorchSharp.Modules
{
    /// <summary>Hyper-parameters of a parameter group.</summary>
    public class OptimizerOptions
    {
        public double? LearningRate { get; set; }
        public double InitialLearningRate { get; set; }

        /// <summary>Writes the options (TorchSharp's layout: initial rate, then rate).</summary>
        public virtual void SaveStateDict(BinaryWriter writer)
        {
            writer.Write(InitialLearningRate);
            writer.Write(LearningRate ?? 0.0);
        }

        /// <summary>Reads options written by <see cref="SaveStateDict"/>.</summary>
        public virtual void LoadStateDict(BinaryReader reader)
        {
            InitialLearningRate = reader.ReadDouble();
            LearningRate = reader.ReadDouble();
        }

        /// <summary>Copies options from another record.</summary>
        public virtual void LoadStateDict(OptimizerOptions source)
        {
            InitialLearningRate = source.InitialLearningRate;
            LearningRate = source.LearningRate;
        }
    }

    /// <summary>Per-parameter optimizer state (e.g. a momentum buffer).</summary>
    public abstract class OptimizerState
    {
        protected Parameter _parameter;

        protected OptimizerState(Parameter parameter) { _parameter = parameter; }

        public abstract void SaveStateDict(BinaryWriter writer);
        public abstract void LoadStateDict(BinaryReader reader);
        public abstract void LoadStateDict(OptimizerState source);
        public abstract void Initialize(OptimizerOptions options);
        public virtual bool ApproximatelyEquals(OptimizerState other) => false;
        public virtual void to(Device device) { }

        /// <summary>Reads a presence flag and, if set, a tensor record, moved to <paramref name="device"/>.</summary>
        protected static void LoadConditionalStateTensor(BinaryReader reader, ref Tensor result, Device device)
        {
            bool present = reader.ReadBoolean();
            result?.Dispose();
            result = null;
            if (!present) return;
            using var loaded = StateDictFormat.ReadTensor(reader);
            result = loaded.to(device, copy: true).DetachFromDisposeScope();
        }

        /// <summary>Writes a presence flag and, if present, a tensor record.</summary>
        protected static void SaveConditionalStateTensor(BinaryWriter writer, Tensor tensor)
        {
            writer.Write(tensor is not null);
            if (tensor is not null) StateDictFormat.WriteTensor(writer, tensor);
        }
    }

    /// <summary>A set of parameters sharing optimizer options.</summary>
    public class ParamGroup : torch.optim.ILearningRateController
    {
        public IEnumerable<Parameter> Parameters { get; set; } = Array.Empty<Parameter>();
        public OptimizerOptions Options { get; set; } = new OptimizerOptions();

        public double LearningRate
        {
            get => Options.LearningRate ?? throw new InvalidOperationException("The parameter group has no learning rate.");
            set => Options.LearningRate = value;
        }

        public double InitialLearningRate
        {
            get => Options.InitialLearningRate;
            set => Options.InitialLearningRate = value;
        }
    }

    /// <summary>A parameter group with typed options.</summary>
    public class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
    {
        public ParamGroup() { }

        public ParamGroup(IEnumerable<Parameter> parameters, TOptions options = null)
        {
            Parameters = parameters.ToList();
            if (options is not null) base.Options = options;
        }

        public new TOptions Options
        {
            get => (TOptions)base.Options;
            set => base.Options = value;
        }
    }

    /// <summary>Shared machinery of the managed optimizers: per-parameter state and TorchSharp's state file layout.</summary>
    public abstract class OptimizerHelper : torch.optim.Optimizer
    {
        private protected readonly Dictionary<Parameter, OptimizerState> states = new(ReferenceEqualityComparer.Instance);

        protected OptimizerHelper() { }

        protected OptimizerOptions _defaults = new OptimizerOptions();

        public override IEnumerable<Parameter> parameters() => _parameter_groups.SelectMany(g => g.Parameters);

        public override void zero_grad()
        {
            foreach (var p in parameters()) p.grad = null;
        }

        /// <summary>Runs <paramref name="body"/> for every group under no_grad and in a dispose scope.</summary>
        protected Tensor _step<T>(Action<T> body, Func<Tensor> loss_closure = null) where T : ParamGroup
        {
            Tensor loss = null;
            if (loss_closure is not null)
                using (enable_grad()) loss = loss_closure();
            using (no_grad())
            using (NewDisposeScope())
            {
                foreach (var group in _parameter_groups) body((T)group);
            }
            return loss;
        }

        /// <summary>One options record per group and one state record per parameter, in group order.</summary>
        public virtual torch.optim.Optimizer.StateDictionary state_dict() =>
            new torch.optim.Optimizer.StateDictionary(
                _parameter_groups.Select(g => g.Options).ToList(),
                _parameter_groups.SelectMany(g => g.Parameters).Select(p => states[p]).ToList());

        /// <summary>Saves options and per-parameter state to a file (written to a temporary file, then renamed).</summary>
        public void save_state_dict(string location)
        {
            string temporary = location + ".tmp";
            using (var stream = File.Create(temporary))
            using (var writer = new BinaryWriter(stream))
                save_state_dict(writer);
            File.Move(temporary, location, overwrite: true);
        }

        /// <summary>Saves options and per-parameter state (TorchSharp's layout: type name, counts, options, states).</summary>
        public void save_state_dict(BinaryWriter writer)
        {
            writer.Write(GetType().Name);
            var sd = state_dict();
            StateDictFormat.WriteLeb128(writer, (ulong)sd.Options.Count);
            StateDictFormat.WriteLeb128(writer, (ulong)sd.State.Count);
            foreach (var options in sd.Options) options.SaveStateDict(writer);
            foreach (var state in sd.State) state.SaveStateDict(writer);
        }

        /// <summary>Restores state saved by <see cref="save_state_dict(string)"/> into an optimizer over the same parameters.</summary>
        public void load_state_dict(string location)
        {
            if (!File.Exists(location)) throw new FileNotFoundException($"Optimizer state file '{location}' does not exist.", location);
            using var stream = File.OpenRead(location);
            using var reader = new BinaryReader(stream);
            try
            {
                load_state_dict(reader);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"Optimizer state file '{location}' is truncated.", e);
            }
        }

        /// <summary>Restores state saved by <see cref="save_state_dict(BinaryWriter)"/>.</summary>
        public void load_state_dict(BinaryReader reader)
        {
            string type = reader.ReadString();
            if (type != GetType().Name)
                throw new InvalidDataException($"The saved state belongs to a {type} optimizer, not to {GetType().Name}.");
            var sd = state_dict();
            ulong options = StateDictFormat.ReadLeb128(reader);
            ulong count = StateDictFormat.ReadLeb128(reader);
            if (options != (ulong)sd.Options.Count)
                throw new ArgumentException($"The saved state has {options} parameter groups; this optimizer has {sd.Options.Count}.");
            if (count != (ulong)sd.State.Count)
                throw new ArgumentException($"The saved state covers {count} parameters; this optimizer has {sd.State.Count}.");
            foreach (var o in sd.Options) o.LoadStateDict(reader);
            foreach (var s in sd.State) s.LoadStateDict(reader);
        }

        /// <summary>Copies state from another optimizer's state dictionary.</summary>
        public virtual void load_state_dict(torch.optim.Optimizer.StateDictionary state_dict)
        {
            var sd = this.state_dict();
            if (state_dict.Options.Count != sd.Options.Count || state_dict.State.Count != sd.State.Count)
                throw new ArgumentException("The state dictionary does not match this optimizer's parameter groups.");
            for (int i = 0; i < sd.Options.Count; i++) sd.Options[i].LoadStateDict(state_dict.Options[i]);
            for (int i = 0; i < sd.State.Count; i++) sd.State[i].LoadStateDict(state_dict.State[i]);
        }

        /// <summary>Moves the per-parameter state to a device.</summary>
        public void to(Device device)
        {
            foreach (var state in states.Values) state.to(device);
        }
    }
}
