using System;
using System.IO;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>A read-only stream of a prefix, a unit repeated until about <c>length</c> bytes, and a suffix.</summary>
    internal sealed class RepeatingStream : Stream
    {
        private readonly byte[] prefix, unit, suffix;
        private readonly long repeated;
        private long position;

        public RepeatingStream(string prefix, string unit, long length, string suffix)
        {
            this.prefix = Encoding.UTF8.GetBytes(prefix);
            // The unit is laid out many times over, so that a read copies kilobytes at a time.
            byte[] one = Encoding.UTF8.GetBytes(unit);
            this.unit = new byte[one.Length * Math.Max(1, 4096 / one.Length)];
            for (int i = 0; i < this.unit.Length; i += one.Length) one.CopyTo(this.unit, i);
            this.suffix = Encoding.UTF8.GetBytes(suffix);
            repeated = length / one.Length * one.Length;
        }

        public override long Length => prefix.Length + repeated + suffix.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Copies whole runs of each part: the stream must be much faster than the parser it feeds.
            int written = 0;
            while (written < count && position < Length)
            {
                ReadOnlySpan<byte> part;
                if (position < prefix.Length) part = prefix.AsSpan((int)position);
                else if (position < prefix.Length + repeated)
                {
                    long inRepeated = position - prefix.Length;
                    part = unit.AsSpan((int)(inRepeated % unit.Length));
                }
                else part = suffix.AsSpan((int)(position - prefix.Length - repeated));
                if (position < prefix.Length + repeated && position >= prefix.Length)
                    part = part.Slice(0, (int)Math.Min(part.Length, prefix.Length + repeated - position));
                int n = Math.Min(part.Length, count - written);
                part.Slice(0, n).CopyTo(buffer.AsSpan(offset + written));
                written += n;
                position += n;
            }
            return written;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
