using System;
using System.Collections.Generic;
using System.Text;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A binary mask in COCO's run-length encoding: alternating runs of 0s and 1s (starting with 0s, possibly an empty
    /// run) over the pixels in column-major order (down the first column, then the next), as pycocotools stores them.
    /// Immutable. The data layer's dense masks are row-major (H x W); <see cref="Encode"/> and <see cref="Decode()"/>
    /// convert between the two.
    /// </summary>
    public sealed class RleMask
    {
        private readonly uint[] counts;
        private long area = -1;

        /// <summary>Creates a mask from run lengths (validated: they must cover exactly height x width pixels).</summary>
        public RleMask(int height, int width, IReadOnlyList<uint> counts)
        {
            if (height < 0) throw new ArgumentOutOfRangeException(nameof(height), height, "The height cannot be negative.");
            if (width < 0) throw new ArgumentOutOfRangeException(nameof(width), width, "The width cannot be negative.");
            if (counts is null) throw new ArgumentNullException(nameof(counts));
            var copy = new uint[counts.Count];
            long total = 0;
            for (int i = 0; i < copy.Length; i++)
            {
                copy[i] = counts[i];
                total += copy[i];
            }
            if (total != (long)height * width)
                throw new ArgumentException($"The runs cover {total} pixels but a {height}x{width} mask has {(long)height * width}.", nameof(counts));
            Height = height;
            Width = width;
            this.counts = copy;
        }

        private RleMask(int height, int width, uint[] counts, bool trusted)
        {
            Height = height;
            Width = width;
            this.counts = counts;
        }

        /// <summary>Mask height in pixels.</summary>
        public int Height { get; }

        /// <summary>Mask width in pixels.</summary>
        public int Width { get; }

        /// <summary>The run lengths, starting with a run of 0s.</summary>
        public ReadOnlySpan<uint> Counts => counts;

        /// <summary>The number of 1 pixels (the sum of the odd-numbered runs).</summary>
        public long Area
        {
            get
            {
                if (area < 0)
                {
                    long sum = 0;
                    for (int i = 1; i < counts.Length; i += 2) sum += counts[i];
                    area = sum;
                }
                return area;
            }
        }

        /// <summary>An all-zero mask.</summary>
        public static RleMask Empty(int height, int width) =>
            new(height, width, (long)height * width == 0 ? Array.Empty<uint>() : new[] { checked((uint)((long)height * width)) }, trusted: true);

        /// <summary>Encodes a row-major mask (<paramref name="height"/> x <paramref name="width"/>; any non-zero byte is 1).</summary>
        public static RleMask Encode(ReadOnlySpan<byte> mask, int height, int width)
        {
            if (mask.Length != (long)height * width)
                throw new ArgumentException($"The mask holds {mask.Length} bytes, not {height}x{width}.", nameof(mask));
            var runs = new List<uint>();
            bool current = false;
            uint run = 0;
            for (int x = 0; x < width; x++)
            {
                for (int y = 0, i = x; y < height; y++, i += width)
                {
                    bool on = mask[i] != 0;
                    if (on != current)
                    {
                        runs.Add(run);
                        run = 0;
                        current = on;
                    }
                    run++;
                }
            }
            runs.Add(run);
            return new RleMask(height, width, runs.ToArray(), trusted: true);
        }

        /// <summary>Writes the mask row-major into <paramref name="destination"/> (Height x Width bytes, 0 or 1).</summary>
        public void Decode(Span<byte> destination)
        {
            if (destination.Length != (long)Height * Width)
                throw new ArgumentException($"The destination holds {destination.Length} bytes, not {Height}x{Width}.", nameof(destination));
            long position = 0;
            for (int r = 0; r < counts.Length; r++)
            {
                byte value = (byte)(r & 1);
                for (long end = position + counts[r]; position < end; position++)
                {
                    long x = position / Height, y = position - x * Height;
                    destination[(int)(y * Width + x)] = value;
                }
            }
        }

        /// <summary>The mask as a new row-major Height x Width array of 0s and 1s.</summary>
        public byte[] Decode()
        {
            var result = new byte[(long)Height * Width];
            Decode(result);
            return result;
        }

        /// <summary>
        /// The tight box around the 1 pixels, as pycocotools' toBbox computes it: from the first and last pixel of each run
        /// of 1s; a run that continues into the next column makes the box full-height. All zero for an empty mask.
        /// </summary>
        public CocoBox ToBoundingBox()
        {
            int pairs = counts.Length / 2;
            if (pairs == 0 || Height == 0) return new CocoBox(0, 0, 0, 0);
            long h = Height;
            long xs = Width, ys = h, xe = 0, ye = 0, position = 0;
            for (int p = 0; p < pairs; p++)
            {
                position += counts[2 * p];
                long first = position;
                position += counts[2 * p + 1];
                long last = position - 1;  // one before the first pixel for an empty run, as pycocotools
                long firstX = first / h, firstY = first % h, lastX = last / h, lastY = last % h;
                if (firstX < lastX)
                {
                    ys = 0;
                    ye = h - 1;
                }
                xs = Math.Min(xs, Math.Min(firstX, lastX));
                xe = Math.Max(xe, Math.Max(firstX, lastX));
                ys = Math.Min(ys, Math.Min(firstY, lastY));
                ye = Math.Max(ye, Math.Max(firstY, lastY));
            }
            return new CocoBox(xs, ys, xe - xs + 1, ye - ys + 1);
        }

        /// <summary>
        /// COCO's compressed "counts" string: each run (from the fourth on, as the difference from the run two before)
        /// in 5-bit little-endian groups with a continuation bit, offset into printable ASCII from '0'.
        /// </summary>
        public string ToCompressedString()
        {
            var text = new StringBuilder(counts.Length * 2);
            for (int i = 0; i < counts.Length; i++)
            {
                long value = counts[i];
                if (i > 2) value -= counts[i - 2];
                while (true)
                {
                    int group = (int)(value & 0x1F);
                    value >>= 5;  // arithmetic: negative differences keep their sign
                    bool more = (group & 0x10) != 0 ? value != -1 : value != 0;
                    text.Append((char)(48 + (group | (more ? 0x20 : 0))));
                    if (!more) break;
                }
            }
            return text.ToString();
        }

        /// <summary>Parses COCO's compressed "counts" string for a <paramref name="height"/> x <paramref name="width"/> mask.</summary>
        public static RleMask FromCompressedString(string text, int height, int width)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            if (height < 0 || width < 0) throw new FormatException($"The mask size {height}x{width} is negative.");
            var runs = new List<uint>();
            long covered = 0, pixels = (long)height * width;
            int p = 0;
            while (p < text.Length)
            {
                long value = 0;
                int shift = 0;
                while (true)
                {
                    if (p >= text.Length) throw new FormatException("The compressed RLE string ends inside a number.");
                    int c = text[p++] - 48;
                    if (c < 0 || c > 63) throw new FormatException($"The compressed RLE string has an invalid character '{text[p - 1]}'.");
                    value |= (long)(c & 0x1F) << shift;
                    shift += 5;
                    if ((c & 0x20) == 0)
                    {
                        if ((c & 0x10) != 0) value |= -1L << shift;  // sign-extend
                        break;
                    }
                    if (shift > 60) throw new FormatException("The compressed RLE string has a number that is too long.");
                }
                if (runs.Count > 2) value += runs[runs.Count - 2];
                if (value < 0 || value > uint.MaxValue) throw new FormatException($"The compressed RLE string decodes to an invalid run length {value}.");
                // Stop at the first run past the mask's end: the rest of a hostile string is never decoded.
                covered += value;
                if (covered > pixels) throw new FormatException($"The runs of the compressed RLE string cover more than the {height}x{width} = {pixels} pixels of the mask (run {runs.Count} ends at {covered}).");
                runs.Add((uint)value);
            }
            try
            {
                return new RleMask(height, width, runs);
            }
            catch (ArgumentException e)
            {
                throw new FormatException(e.Message, e);
            }
        }

        /// <summary>The union (or, with <paramref name="intersect"/>, the intersection) of masks of one size.</summary>
        public static RleMask Merge(IReadOnlyList<RleMask> masks, bool intersect = false)
        {
            if (masks is null) throw new ArgumentNullException(nameof(masks));
            if (masks.Count == 0) throw new ArgumentException("There is nothing to merge.", nameof(masks));
            RleMask result = masks[0];
            for (int i = 1; i < masks.Count; i++)
            {
                var other = masks[i];
                if (other.Height != result.Height || other.Width != result.Width)
                    throw new ArgumentException($"Masks of {result.Height}x{result.Width} and {other.Height}x{other.Width} cannot be merged.", nameof(masks));
                result = MergePair(result, other, intersect);
            }
            return result;
        }

        /// <summary>The pixels set in both masks and in either (same size required).</summary>
        internal static void IntersectionAndUnion(RleMask a, RleMask b, out long intersection, out long union)
        {
            intersection = 0;
            union = 0;
            var ca = new RunCursor(a.counts);
            var cb = new RunCursor(b.counts);
            while (!ca.Done && !cb.Done)
            {
                uint step = Math.Min(ca.Remaining, cb.Remaining);
                if (ca.Value || cb.Value)
                {
                    union += step;
                    if (ca.Value && cb.Value) intersection += step;
                }
                ca.Advance(step);
                cb.Advance(step);
            }
        }

        private static RleMask MergePair(RleMask a, RleMask b, bool intersect)
        {
            var runs = new List<uint>(a.counts.Length + b.counts.Length);
            var ca = new RunCursor(a.counts);
            var cb = new RunCursor(b.counts);
            bool current = false;
            uint run = 0;
            while (!ca.Done && !cb.Done)
            {
                uint step = Math.Min(ca.Remaining, cb.Remaining);
                bool value = intersect ? ca.Value && cb.Value : ca.Value || cb.Value;
                if (value != current)
                {
                    runs.Add(run);
                    run = 0;
                    current = value;
                }
                run += step;
                ca.Advance(step);
                cb.Advance(step);
            }
            runs.Add(run);
            return new RleMask(a.Height, a.Width, runs.ToArray(), trusted: true);
        }

        internal static RleMask FromTrustedCounts(int height, int width, uint[] counts) => new(height, width, counts, trusted: true);

        /// <summary>Walks runs pixel-span by pixel-span, skipping empty runs.</summary>
        private struct RunCursor
        {
            private readonly uint[] counts;
            private int index;

            public RunCursor(uint[] counts)
            {
                this.counts = counts;
                index = -1;
                Remaining = 0;
                Value = true;  // so that the first Skip lands on run 0 with value 0
                Skip();
            }

            public uint Remaining { get; private set; }

            public bool Value { get; private set; }

            public bool Done => index >= counts.Length;

            public void Advance(uint step)
            {
                Remaining -= step;
                if (Remaining == 0) Skip();
            }

            private void Skip()
            {
                do
                {
                    index++;
                    Value = !Value;
                } while (index < counts.Length && counts[index] == 0);
                Remaining = index < counts.Length ? counts[index] : 0;
            }
        }
    }
}
