using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>A message logged by a component, as delivered by <see cref="MLContext.Log"/>.</summary>
    public class LoggingEventArgs : EventArgs
    {
        /// <summary>A message with no kind or source.</summary>
        public LoggingEventArgs(string message)
        {
            Message = message;
        }

        /// <summary>A message of the given kind from the given source; <see cref="Message"/> is "[Source=..., Kind=...] message".</summary>
        public LoggingEventArgs(string message, ChannelMessageKind kind, string source)
        {
            RawMessage = message;
            Kind = kind;
            Source = source;
            Message = $"[Source={Source}, Kind={Kind}] {RawMessage}";
        }

        /// <summary>The component and channel that sent the message.</summary>
        public string Source { get; }

        /// <summary>Trace, information, warning or error.</summary>
        public ChannelMessageKind Kind { get; }

        /// <summary>The message with its source and kind.</summary>
        public string Message { get; }

        /// <summary>The message alone.</summary>
        public string RawMessage { get; }
    }
}
