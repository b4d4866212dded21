using System;
using System.IO;
using System.Security.Cryptography;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// The length and SHA-256 of a stream, computed while it is written or read through once. The saved model records it
    /// for each stream beside Model.key because <c>System.IO.Compression</c> does not check CRCs when it inflates.
    /// </summary>
    internal readonly record struct StreamDigest(long Length, byte[] Hash)
    {
        private const int ChunkBytes = 1 << 20;

        /// <summary>Reads <paramref name="stream"/> from its position to its end.</summary>
        public static StreamDigest Of(Stream stream)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ChunkBytes];
            long length = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }
            return new StreamDigest(length, hash.GetHashAndReset());
        }

        /// <summary>Of the bytes <paramref name="write"/> writes to <paramref name="target"/>, which receives them unchanged.</summary>
        public static StreamDigest Write(Stream target, Action<Stream> write)
        {
            using var digesting = new DigestingStream(target);
            write(digesting);
            return digesting.Result();
        }

        public bool Matches(StreamDigest other) => Length == other.Length && Hash.AsSpan().SequenceEqual(other.Hash);

        /// <summary>A write-only stream that hashes and counts what it passes on.</summary>
        private sealed class DigestingStream : Stream
        {
            private readonly Stream target;
            private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            private long length;

            public DigestingStream(Stream target) => this.target = target;

            public StreamDigest Result() => new(length, hash.GetCurrentHash());

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                target.Write(buffer);
                hash.AppendData(buffer);
                length += buffer.Length;
            }

            public override void WriteByte(byte value) => Write(stackalloc byte[] { value });

            public override void Flush() => target.Flush();

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => length;
            public override long Position { get => length; set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) hash.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
