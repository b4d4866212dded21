using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// The common context of ML.NET operations: catalogs of data operations, transforms and model operations, a seed
    /// for reproducible randomness, and a <see cref="Log"/> event receiving the components' messages.
    /// </summary>
    public sealed class MLContext : IHostEnvironmentInternal
    {
        private readonly LocalEnvironment env;

        /// <summary>Creates a context; with a seed, every random choice is reproducible.</summary>
        public MLContext(int? seed = null)
        {
            env = new LocalEnvironment(seed, ProcessMessage);
            Transforms = new TransformsCatalog(this);
            Model = new ModelOperationsCatalog(this);
            Data = new DataOperationsCatalog(this);
        }

        /// <summary>Transforms (extension methods on this catalog).</summary>
        public TransformsCatalog Transforms { get; }

        /// <summary>Saving, loading and prediction engines.</summary>
        public ModelOperationsCatalog Model { get; }

        /// <summary>Loading, converting and splitting data.</summary>
        public DataOperationsCatalog Data { get; }

        /// <summary>Receives the messages of every component run in this context.</summary>
        public event EventHandler<LoggingEventArgs> Log;

        /// <summary>The catalog of loadable components (register assemblies whose models you load).</summary>
        public ComponentCatalog ComponentCatalog => env.ComponentCatalog;

        /// <summary>Where components may write temporary files.</summary>
        public string TempFilePath
        {
            get => env.TempFilePath;
            set => env.TempFilePath = value;
        }

        /// <summary>Whether GPU components may fall back to the CPU.</summary>
        public bool FallbackToCpu
        {
            get => env.FallbackToCpu;
            set => env.FallbackToCpu = value;
        }

        /// <summary>The GPU that GPU components use (null for the CPU).</summary>
        public int? GpuDeviceId
        {
            get => env.GpuDeviceId;
            set => env.GpuDeviceId = value;
        }

        private void ProcessMessage(string source, ChannelMessage message) =>
            Log?.Invoke(this, new LoggingEventArgs(message.Message, message.Kind, source));

        /// <summary>Adds an option unless one of that name exists.</summary>
        public bool TryAddOption<T>(string name, T value) => env.TryAddOption(name, value);

        /// <summary>Sets an option.</summary>
        public void SetOption<T>(string name, T value) => env.SetOption(name, value);

        /// <summary>Reads an option.</summary>
        public bool TryGetOption<T>(string name, out T value) => env.TryGetOption(name, out value);

        /// <summary>Reads an option, or default.</summary>
        public T GetOptionOrDefault<T>(string name) => env.GetOptionOrDefault<T>(name);

        /// <summary>Removes an option.</summary>
        public bool RemoveOption(string name) => env.RemoveOption(name);

        string IExceptionContext.ContextDescription => env.ContextDescription;

        TException IExceptionContext.Process<TException>(TException ex) => env.Process(ex);

        IHost IHostEnvironment.Register(string name, int? seed, bool? verbose) => env.Register(name, seed, verbose);

        IChannel IChannelProvider.Start(string name) => env.Start(name);

        IPipe<TMessage> IChannelProvider.StartPipe<TMessage>(string name) => env.StartPipe<TMessage>(name);

        IProgressChannel IProgressChannelProvider.StartProgressChannel(string name) => env.StartProgressChannel(name);

        int? IHostEnvironmentInternal.Seed => env.Seed;
    }
}
