using System;
using System.IO;
using System.Text.Json;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// The tokens of a JSON stream, read through a window that holds one token at least and grows only for a long one:
    /// a file of any size is read in bounded memory (what its reader keeps aside). <see cref="Utf8JsonReader"/> works on
    /// one span; this refills it from the stream and carries its state across, so line numbers stay right in errors.
    /// </summary>
    internal ref struct JsonTokenStream
    {
        private const int InitialWindowBytes = 64 << 10;

        private readonly Stream stream;
        private readonly string source;
        private readonly int maxTokenBytes;
        private byte[] window;
        private int filled;
        private bool endOfStream;
        private long windowOffset;
        private Utf8JsonReader reader;

        /// <param name="stream">The JSON text, UTF-8.</param>
        /// <param name="source">Names the stream in errors.</param>
        /// <param name="maxTokenBytes">The longest token (a string, a number) accepted; a longer one is refused.</param>
        public JsonTokenStream(Stream stream, string source, int maxTokenBytes)
        {
            this.stream = stream;
            this.source = source;
            this.maxTokenBytes = maxTokenBytes;
            window = new byte[Math.Min(InitialWindowBytes, maxTokenBytes)];
            filled = 0;
            endOfStream = false;
            windowOffset = 0;
            reader = default;
            Fill(new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }));
        }

        /// <summary>The kind of the current token.</summary>
        public readonly JsonTokenType TokenType => reader.TokenType;

        /// <summary>The nesting depth of the current token (0 at the top).</summary>
        public readonly int CurrentDepth => reader.CurrentDepth;

        /// <summary>The next token; false at the end of the text.</summary>
        public bool Read()
        {
            while (!reader.Read())
            {
                if (endOfStream) return false;
                Fill(reader.CurrentState);
            }
            return true;
        }

        /// <summary>Past the current value: a whole object or array when at its start, nothing for a scalar.</summary>
        public void Skip()
        {
            if (reader.TokenType == JsonTokenType.PropertyName) Read();
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
            int depth = reader.CurrentDepth;
            while (Read() && !(reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth))
            {
            }
        }

        /// <summary>The current string token (or property name), unescaped.</summary>
        /// <exception cref="InvalidDataException">It is not valid UTF-8 (the reader checks strings only when they are read).</exception>
        public readonly string? GetString()
        {
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidDataException($"{source}: the string at byte {windowOffset + reader.TokenStartIndex} is not valid UTF-8 ({e.Message})", e);
            }
        }

        /// <summary>The current number as an integer, when it is one.</summary>
        public readonly bool TryGetInt64(out long value) => reader.TryGetInt64(out value);

        /// <summary>The current number as a double.</summary>
        public readonly bool TryGetDouble(out double value) => reader.TryGetDouble(out value);

        /// <summary>
        /// Keeps the bytes the reader has not consumed, tops the window up from the stream (doubling it when the unconsumed
        /// part fills it, up to the token limit) and restarts the reader there with its state.
        /// </summary>
        private void Fill(JsonReaderState state)
        {
            int consumed = (int)reader.BytesConsumed;
            int kept = filled - consumed;
            if (consumed > 0) Buffer.BlockCopy(window, consumed, window, 0, kept);
            else if (kept == window.Length)
            {
                if (window.Length >= maxTokenBytes)
                    throw new InvalidDataException($"{source}: the token at byte {windowOffset} is longer than {maxTokenBytes} bytes; such a file is not read.");
                Array.Resize(ref window, (int)Math.Min(2L * window.Length, maxTokenBytes));
            }
            windowOffset += consumed;
            filled = kept;
            while (filled < window.Length)
            {
                int read = stream.Read(window, filled, window.Length - filled);
                if (read == 0)
                {
                    endOfStream = true;
                    break;
                }
                filled += read;
            }
            reader = new Utf8JsonReader(window.AsSpan(0, filled), endOfStream, state);
        }
    }
}
