using System;
using System.Collections.Concurrent;
using System.Linq;

namespace Microsoft.ML.Runtime
{
    /// <summary>
    /// The environment behind <see cref="MLContext"/>: named hosts with their own seeded random generators, channels
    /// whose messages go to one listener (the context's Log event), and the component catalog.
    /// </summary>
    internal sealed class LocalEnvironment : IHostEnvironmentInternal
    {
        private readonly Random random;
        private readonly object randomGate = new object();
        private readonly ConcurrentDictionary<string, object> options = new ConcurrentDictionary<string, object>();
        private readonly Action<string, ChannelMessage> listener;

        public LocalEnvironment(int? seed, Action<string, ChannelMessage> listener)
        {
            Seed = seed;
            random = seed.HasValue ? new Random(seed.Value) : new Random();
            this.listener = listener;
            ComponentCatalog = new ComponentCatalog();
        }

        public int? Seed { get; }

        public string TempFilePath { get; set; } = System.IO.Path.GetTempPath();

        public bool FallbackToCpu { get; set; }

        public int? GpuDeviceId { get; set; }

        public ComponentCatalog ComponentCatalog { get; }

        public string ContextDescription => "MLContext";

        public TException Process<TException>(TException ex)
            where TException : Exception => ex;

        public IHost Register(string name, int? seed = null, bool? verbose = null) => new Host(this, name, NextSeed(seed));

        public IChannel Start(string name) => new Channel(this, name);

        public IPipe<TMessage> StartPipe<TMessage>(string name) => new Pipe<TMessage>(name);

        public IProgressChannel StartProgressChannel(string name) => new ProgressChannel(this, name);

        public bool TryAddOption<T>(string name, T value) => options.TryAdd(name, value);

        public void SetOption<T>(string name, T value) => options[name] = value;

        public bool TryGetOption<T>(string name, out T value)
        {
            if (options.TryGetValue(name, out var stored) && stored is T typed)
            {
                value = typed;
                return true;
            }
            value = default;
            return false;
        }

        public T GetOptionOrDefault<T>(string name) => TryGetOption(name, out T value) ? value : default;

        public bool RemoveOption(string name) => options.TryRemove(name, out _);

        private int NextSeed(int? seed)
        {
            if (seed.HasValue) return seed.Value;
            lock (randomGate) return random.Next();
        }

        private void Dispatch(string source, ChannelMessage message) => listener?.Invoke(source, message);

        /// <summary>A component's environment: the parent's channels and catalog, its own random generator.</summary>
        private sealed class Host : IHost
        {
            private readonly LocalEnvironment root;
            private readonly Random rand;
            private readonly string name;

            public Host(LocalEnvironment root, string name, int seed)
            {
                this.root = root;
                this.name = name;
                rand = new Random(seed);
            }

            public Random Rand => rand;

            public ComponentCatalog ComponentCatalog => root.ComponentCatalog;

            public string ContextDescription => name;

            public TException Process<TException>(TException ex)
                where TException : Exception => ex;

            public IHost Register(string childName, int? seed = null, bool? verbose = null) =>
                new Host(root, childName, seed ?? rand.Next());

            public IChannel Start(string channelName) => new Channel(root, name + "; " + channelName);

            public IPipe<TMessage> StartPipe<TMessage>(string pipeName) => new Pipe<TMessage>(name + "; " + pipeName);

            public IProgressChannel StartProgressChannel(string channelName) => new ProgressChannel(root, name + "; " + channelName);
        }

        private sealed class Channel : IChannel
        {
            private readonly LocalEnvironment root;

            public Channel(LocalEnvironment root, string name)
            {
                this.root = root;
                ContextDescription = name;
            }

            public string ContextDescription { get; }

            public TException Process<TException>(TException ex)
                where TException : Exception => ex;

            public void Send(ChannelMessage msg) => root.Dispatch(ContextDescription, msg);

            public void Trace(MessageSensitivity sensitivity, string fmt) => Send(new ChannelMessage(ChannelMessageKind.Trace, sensitivity, fmt));

            public void Trace(MessageSensitivity sensitivity, string fmt, params object[] args) =>
                Send(new ChannelMessage(ChannelMessageKind.Trace, sensitivity, fmt, args));

            public void Error(MessageSensitivity sensitivity, string fmt) => Send(new ChannelMessage(ChannelMessageKind.Error, sensitivity, fmt));

            public void Error(MessageSensitivity sensitivity, string fmt, params object[] args) =>
                Send(new ChannelMessage(ChannelMessageKind.Error, sensitivity, fmt, args));

            public void Warning(MessageSensitivity sensitivity, string fmt) => Send(new ChannelMessage(ChannelMessageKind.Warning, sensitivity, fmt));

            public void Warning(MessageSensitivity sensitivity, string fmt, params object[] args) =>
                Send(new ChannelMessage(ChannelMessageKind.Warning, sensitivity, fmt, args));

            public void Info(MessageSensitivity sensitivity, string fmt) => Send(new ChannelMessage(ChannelMessageKind.Info, sensitivity, fmt));

            public void Info(MessageSensitivity sensitivity, string fmt, params object[] args) =>
                Send(new ChannelMessage(ChannelMessageKind.Info, sensitivity, fmt, args));

            public void Dispose()
            {
            }
        }

        /// <summary>A pipe nobody listens to (ML.NET's environments route pipes to listeners registered per type).</summary>
        private sealed class Pipe<TMessage> : IPipe<TMessage>
        {
            public Pipe(string name) => ContextDescription = name;

            public string ContextDescription { get; }

            public TException Process<TException>(TException ex)
                where TException : Exception => ex;

            public void Send(TMessage msg)
            {
            }

            public void Dispose()
            {
            }
        }

        /// <summary>Reports each checkpoint as a trace message.</summary>
        private sealed class ProgressChannel : IProgressChannel
        {
            private readonly LocalEnvironment root;
            private readonly string name;
            private ProgressHeader header;

            public ProgressChannel(LocalEnvironment root, string name)
            {
                this.root = root;
                this.name = name;
            }

            public IProgressChannel StartProgressChannel(string childName) => new ProgressChannel(root, name + "; " + childName);

            public void SetHeader(ProgressHeader header, Action<IProgressEntry> fillAction) => this.header = header;

            public void Checkpoint(params Double?[] values)
            {
                var names = (header?.MetricNames ?? Array.Empty<string>()).Concat(header?.UnitNames ?? Array.Empty<string>()).ToArray();
                string text = string.Join(", ", values.Select((v, i) => (i < names.Length ? names[i] + "=" : "") + (v?.ToString("G6") ?? "?")));
                root.Dispatch(name, new ChannelMessage(ChannelMessageKind.Trace, MessageSensitivity.None, "Checkpoint: " + text));
            }

            public void Dispose()
            {
            }
        }
    }
}
