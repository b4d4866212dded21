using System;

namespace Microsoft.ML.Runtime
{
    /// <summary>Something that can decorate exceptions with its context before they are thrown.</summary>
    public interface IExceptionContext
    {
        /// <summary>Processes an exception (for example marks it) and returns it for throwing.</summary>
        TException Process<TException>(TException ex)
            where TException : Exception;

        /// <summary>A description of the context, such as the component name.</summary>
        string ContextDescription { get; }
    }

    /// <summary>Starts channels (for messages) and pipes (for other kinds of notification).</summary>
    public interface IChannelProvider : IExceptionContext
    {
        /// <summary>Starts a channel for informational, warning and error messages.</summary>
        IChannel Start(string name);

        /// <summary>Starts a general-purpose pipe of messages of type <typeparamref name="TMessage"/>.</summary>
        IPipe<TMessage> StartPipe<TMessage>(string name);
    }

    /// <summary>The environment components run in: channels, progress reporting, randomness and the component catalog.</summary>
    public interface IHostEnvironment : IChannelProvider, IProgressChannelProvider
    {
        /// <summary>Creates a host for a component, with its own random generator.</summary>
        IHost Register(string name, int? seed = null, bool? verbose = null);

        /// <summary>The catalog of loadable components.</summary>
        ComponentCatalog ComponentCatalog { get; }
    }

    /// <summary>The environment of one component.</summary>
    public interface IHost : IHostEnvironment
    {
        /// <summary>The component's random generator (seeded from the context's seed when it has one).</summary>
        Random Rand { get; }
    }

    /// <summary>A one-way channel of messages.</summary>
    public interface IPipe<TMessage> : IExceptionContext, IDisposable
    {
        /// <summary>Sends a message.</summary>
        void Send(TMessage msg);
    }

    /// <summary>The kind of a channel message.</summary>
    public enum ChannelMessageKind
    {
        /// <summary>Detailed tracing.</summary>
        Trace = 0,

        /// <summary>Information.</summary>
        Info = 1,

        /// <summary>A warning.</summary>
        Warning = 2,

        /// <summary>An error.</summary>
        Error = 3,
    }

    /// <summary>What sensitive information a message may contain.</summary>
    [Flags]
    public enum MessageSensitivity
    {
        /// <summary>Nothing sensitive.</summary>
        None = 0,

        /// <summary>May contain user data.</summary>
        UserData = 0x1,

        /// <summary>May contain schema information.</summary>
        Schema = 0x2,

        /// <summary>Unknown: treat as containing anything.</summary>
        Unknown = ~None,

        /// <summary>Everything.</summary>
        All = Unknown,
    }

    /// <summary>A message sent through a channel.</summary>
    public readonly struct ChannelMessage
    {
        private readonly string message;
        private readonly object[] args;

        /// <summary>The kind.</summary>
        public readonly ChannelMessageKind Kind;

        /// <summary>The sensitivity.</summary>
        public readonly MessageSensitivity Sensitivity;

        /// <summary>The formatted text.</summary>
        public string Message => args != null ? string.Format(message, args) : message;

        internal ChannelMessage(ChannelMessageKind kind, MessageSensitivity sensitivity, string message)
            : this(kind, sensitivity, message, null)
        {
        }

        internal ChannelMessage(ChannelMessageKind kind, MessageSensitivity sensitivity, string fmt, params object[] args)
        {
            if (string.IsNullOrEmpty(fmt)) throw new ArgumentException("A message cannot be empty.", nameof(fmt));
            Kind = kind;
            Sensitivity = sensitivity;
            message = fmt;
            this.args = args != null && args.Length > 0 ? args : null;
        }
    }

    /// <summary>A channel for messages of various kinds.</summary>
    public interface IChannel : IPipe<ChannelMessage>
    {
        /// <summary>Sends a trace message.</summary>
        void Trace(MessageSensitivity sensitivity, string fmt);

        /// <summary>Sends a formatted trace message.</summary>
        void Trace(MessageSensitivity sensitivity, string fmt, params object[] args);

        /// <summary>Sends an error message.</summary>
        void Error(MessageSensitivity sensitivity, string fmt);

        /// <summary>Sends a formatted error message.</summary>
        void Error(MessageSensitivity sensitivity, string fmt, params object[] args);

        /// <summary>Sends a warning.</summary>
        void Warning(MessageSensitivity sensitivity, string fmt);

        /// <summary>Sends a formatted warning.</summary>
        void Warning(MessageSensitivity sensitivity, string fmt, params object[] args);

        /// <summary>Sends an informational message.</summary>
        void Info(MessageSensitivity sensitivity, string fmt);

        /// <summary>Sends a formatted informational message.</summary>
        void Info(MessageSensitivity sensitivity, string fmt, params object[] args);
    }

    /// <summary>Internal settings of the environment that ML.NET's own components read (friend-only, as in ML.NET).</summary>
    internal interface IHostEnvironmentInternal : IHostEnvironment
    {
        int? Seed { get; }

        string TempFilePath { get; set; }

        bool FallbackToCpu { get; set; }

        int? GpuDeviceId { get; set; }

        bool TryAddOption<T>(string name, T value);

        void SetOption<T>(string name, T value);

        bool TryGetOption<T>(string name, out T value);

        T GetOptionOrDefault<T>(string name);

        bool RemoveOption(string name);
    }

    /// <summary>Shorthands for channels and hosts used by components (friend-only, as in ML.NET).</summary>
    internal static class HostExtensions
    {
        public static T Apply<T>(this IHost host, string channelName, Func<IChannel, T> func)
        {
            using var ch = host.Start(channelName);
            return func(ch);
        }

        public static void Trace(this IChannel ch, string fmt) => ch.Trace(MessageSensitivity.Unknown, fmt);

        public static void Trace(this IChannel ch, string fmt, params object[] args) => ch.Trace(MessageSensitivity.Unknown, fmt, args);

        public static void Error(this IChannel ch, string fmt) => ch.Error(MessageSensitivity.Unknown, fmt);

        public static void Error(this IChannel ch, string fmt, params object[] args) => ch.Error(MessageSensitivity.Unknown, fmt, args);

        public static void Warning(this IChannel ch, string fmt) => ch.Warning(MessageSensitivity.Unknown, fmt);

        public static void Warning(this IChannel ch, string fmt, params object[] args) => ch.Warning(MessageSensitivity.Unknown, fmt, args);

        public static void Info(this IChannel ch, string fmt) => ch.Info(MessageSensitivity.Unknown, fmt);

        public static void Info(this IChannel ch, string fmt, params object[] args) => ch.Info(MessageSensitivity.Unknown, fmt, args);
    }
}
