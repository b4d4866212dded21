using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>A tensor shape.</summary>
        public struct Size : IEnumerable<long>
        {
            private readonly long[]? dims;

            /// <summary>A one-dimensional shape.</summary>
            public Size(long size) : this(new[] { size }) { }

            /// <summary>A one-dimensional shape.</summary>
            public Size(int size) : this(new long[] { size }) { }

            /// <summary>A shape from its dimensions.</summary>
            public Size(long[] shape) { dims = (long[])shape.Clone(); }

            /// <summary>A shape from its dimensions.</summary>
            public Size(int[] shape) { dims = shape.Select(d => (long)d).ToArray(); }

            /// <summary>A shape from its dimensions.</summary>
            public Size(IEnumerable<long> shape) { dims = shape.ToArray(); }

            public Size((long, long) size) : this(new[] { size.Item1, size.Item2 }) { }
            public Size((long, long, long) size) : this(new[] { size.Item1, size.Item2, size.Item3 }) { }
            public Size((long, long, long, long) size) : this(new[] { size.Item1, size.Item2, size.Item3, size.Item4 }) { }
            public Size((int, int) size) : this(new long[] { size.Item1, size.Item2 }) { }
            public Size((int, int, int) size) : this(new long[] { size.Item1, size.Item2, size.Item3 }) { }
            public Size((int, int, int, int) size) : this(new long[] { size.Item1, size.Item2, size.Item3, size.Item4 }) { }

            /// <summary>The empty shape (of a scalar).</summary>
            public static Size Empty = new Size(Array.Empty<long>());

            /// <summary>The dimensions.</summary>
            public long[] Shape => dims ?? Array.Empty<long>();

            /// <summary>The number of dimensions.</summary>
            public int Length => Shape.Length;

            /// <summary>Whether this is the shape of a scalar.</summary>
            public bool IsScalar => Length == 0;

            /// <summary>Whether some dimension is zero.</summary>
            public bool IsEmpty => Shape.Any(d => d == 0);

            /// <summary>The size of dimension <paramref name="idx"/>.</summary>
            public long this[int idx] => Shape[idx];

            /// <summary>The size of dimension <paramref name="idx"/>.</summary>
            public long this[long idx] => Shape[idx];

            /// <summary>The number of elements a tensor of this shape holds.</summary>
            public long numel() => Shape.Aggregate(1L, (a, b) => a * b);

            /// <summary>The dimensions [first, next).</summary>
            public Size Slice(int first, int next) => new Size(Shape[first..next]);

            public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)Shape).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            public static implicit operator Size(long size) => new Size(size);
            public static implicit operator Size(long[] size) => new Size(size);
            public static implicit operator Size((long, long) size) => new Size(size);
            public static implicit operator Size((long, long, long) size) => new Size(size);
            public static implicit operator Size((long, long, long, long) size) => new Size(size);

            public static bool operator ==(Size left, Size right) => left.Shape.SequenceEqual(right.Shape);
            public static bool operator !=(Size left, Size right) => !(left == right);

            public override bool Equals(object? obj) => obj is Size other && this == other;

            public override int GetHashCode() => Shape.Aggregate(17, (h, d) => h * 31 + d.GetHashCode());
        }
    }
}
