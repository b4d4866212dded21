using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Reading the streams a transformer saves beside its Model.key (weights, options, an ONNX graph) so that damage is
    /// refused, never loaded: each stream's length and SHA-256 are recorded in the model block and checked before use, zip
    /// bombs are refused before inflating, and every inconsistency is a <see cref="FormatException"/> naming the entry.
    /// </summary>
    internal static class ModelStreams
    {
        /// <summary>
        /// Checks stream <paramref name="name"/> against the length and SHA-256 recorded in the model block, then reads it
        /// with <paramref name="read"/> from its start. One pass hashes, the next reads: the stream is never held whole.
        /// ML.NET inflates a whole entry to a temporary file when it is opened, so the entry's sizes are checked first
        /// (<see cref="CheckEntrySize"/>): a zip bomb is refused before a byte is inflated.
        /// </summary>
        public static T ReadStream<T>(ModelLoadContext ctx, string name, string what, StreamDigest recorded, Func<Stream, T> read)
        {
            if (recorded.Length < 0 || recorded.Hash.Length != 32)
                throw LoadError(ctx, new FormatException($"the recorded size of {what} ({recorded.Length} bytes) is invalid"));
            CheckEntrySize(ctx, name, what, recorded.Length);
            T result = default!;
            if (!ctx.TryLoadBinaryStream(name, reader =>
                {
                    // ML.NET extracts each entry to a temporary file; a stream that cannot seek is buffered instead.
                    using var buffered = reader.BaseStream.CanSeek ? null : new MemoryStream();
                    if (buffered is not null)
                    {
                        reader.BaseStream.CopyTo(buffered);
                        buffered.Position = 0;
                    }
                    var stream = buffered ?? reader.BaseStream;
                    long start = stream.Position;
                    var actual = StreamDigest.Of(stream);
                    if (!actual.Matches(recorded))
                        throw LoadError(ctx, new FormatException(
                            $"the stream '{StreamPath(ctx, name)}' ({what}) is damaged: {actual.Length} bytes whose SHA-256 differs from the {recorded.Length} bytes recorded when it was saved"));
                    stream.Position = start;
                    result = read(stream);
                }))
                throw LoadError(ctx, new FormatException($"the stream '{StreamPath(ctx, name)}' ({what}) is missing"));
            return result;
        }

        /// <summary>
        /// How much larger than its compressed size a stream may inflate. Weights (random-looking floats) and options JSON
        /// compress by less than 10x; deflate can reach about 1000x on repeated bytes, which is what a zip bomb is made of.
        /// </summary>
        public const long MaxInflationRatio = 64;

        /// <summary>
        /// Refuses, before ML.NET inflates it, a zip entry that declares another length than <paramref name="recorded"/>
        /// (System.IO.Compression inflates no more than an entry declares, so the declared length bounds the work) or that
        /// would inflate to more than <see cref="MaxInflationRatio"/> times its compressed size plus a megabyte. The entry
        /// is read from ML.NET's open archive (its repository reader keeps the entries in a private field); when that is
        /// not found the check is skipped and the digest still refuses a changed stream, after inflating it.
        /// </summary>
        public static void CheckEntrySize(ModelLoadContext ctx, string name, string what, long recorded)
        {
            if (ctx.Repository is null || RepositoryEntries?.GetValue(ctx.Repository) is not IDictionary<string, ZipArchiveEntry> entries) return;
            string path = StreamPath(ctx, name);
            var entry = entries.Values.FirstOrDefault(e => e.FullName.Replace('\\', '/') == path);
            if (entry is null) return;
            if (entry.Length != recorded)
                throw LoadError(ctx, new FormatException(
                    $"the stream '{path}' ({what}) is damaged: its zip entry declares {entry.Length} bytes, {recorded} were recorded when it was saved; it is not inflated"));
            if (entry.Length > MaxInflationRatio * entry.CompressedLength + (1 << 20))
                throw LoadError(ctx, new FormatException(
                    $"the stream '{path}' ({what}) would inflate {entry.CompressedLength} bytes to {entry.Length}, more than {MaxInflationRatio} times: a zip bomb, not inflated"));
        }

        private static readonly FieldInfo? RepositoryEntries = typeof(RepositoryReader).GetField("_entries", BindingFlags.NonPublic | BindingFlags.Instance);

        /// <summary>The zip entry of stream <paramref name="name"/> beside this transformer's Model.key, for messages.</summary>
        public static string StreamPath(ModelLoadContext ctx, string name) =>
            string.IsNullOrEmpty(ctx.Directory) ? name : ctx.Directory.Replace('\\', '/') + "/" + name;

        /// <summary><paramref name="inner"/>'s message prefixed with the model entry being loaded.</summary>
        public static FormatException LoadError(ModelLoadContext ctx, FormatException inner) =>
            new($"Cannot load entry '{StreamPath(ctx, ModelLoadContext.ModelStreamName)}' of the model stream: {inner.Message}", inner);
    }
}
