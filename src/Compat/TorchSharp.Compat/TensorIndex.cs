using System;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>
        /// One entry of a Python-style index: a single position, a slice, an ellipsis, a new axis
        /// (None), a boolean, or an index/mask tensor.
        /// </summary>
        public struct TensorIndex
        {
            internal enum Kind { None = 0, Ellipsis = 1, Single = 2, Slice = 3, Bool = 4, Tensor = 5 }

            internal Kind kind;
            internal long? startIndexOrBoolOrSingle;
            internal long? stopIndex;
            internal long? step;
            internal Tensor? tensor;

            /// <summary>A slice [start:stop:step]; null bounds mean "from the beginning"/"to the end".</summary>
            public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null) =>
                new TensorIndex { kind = Kind.Slice, startIndexOrBoolOrSingle = start, stopIndex = stop, step = step };

            /// <summary>A slice given as a (start, end) pair.</summary>
            public static TensorIndex Slice((int? start, int? end) range) => Slice(range.start, range.end);

            /// <summary>A slice given as a C# range (from-end indices become negative positions).</summary>
            public static TensorIndex Slice(Range range) => FromRange(range);

            /// <summary>A single position (negative counts from the end).</summary>
            public static TensorIndex Single(long? index) =>
                new TensorIndex { kind = Kind.Single, startIndexOrBoolOrSingle = index };

            /// <summary>A boolean index (true adds a dimension of size 1, false one of size 0).</summary>
            public static TensorIndex Bool(bool value) =>
                new TensorIndex { kind = Kind.Bool, startIndexOrBoolOrSingle = value ? 1 : 0 };

            /// <summary>An index tensor (integer positions) or mask tensor (bool).</summary>
            public static TensorIndex Tensor(Tensor tensor) => new TensorIndex { kind = Kind.Tensor, tensor = tensor };

            /// <summary>The "..." index.</summary>
            public static TensorIndex Ellipsis = new TensorIndex { kind = Kind.Ellipsis };

            /// <summary>A new axis of size 1.</summary>
            public static TensorIndex None = new TensorIndex { kind = Kind.None };

            /// <summary>A new axis of size 1 (alias of <see cref="None"/>).</summary>
            public static TensorIndex Null = new TensorIndex { kind = Kind.None };

            /// <summary>The full slice ":".</summary>
            public static TensorIndex Colon = Slice();

            public static implicit operator TensorIndex(long value) => Single(value);

            public static implicit operator TensorIndex((int? start, int? end) range) => Slice(range);

            public static implicit operator TensorIndex(Range range) => FromRange(range);

            public static implicit operator TensorIndex(Index index) =>
                Single(index.IsFromEnd ? -(long)index.Value : index.Value);

            private static TensorIndex FromRange(Range range)
            {
                // ^0 as a start means "at the end" (an empty slice); as a stop it means "to the end".
                long? start = range.Start.IsFromEnd ? (range.Start.Value == 0 ? long.MaxValue : -(long)range.Start.Value) : range.Start.Value;
                long? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -(long)range.End.Value) : range.End.Value;
                return Slice(start, stop);
            }
        }
    }
}
