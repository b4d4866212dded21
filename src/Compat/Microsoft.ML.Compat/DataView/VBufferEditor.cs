using System;

namespace Microsoft.ML.Data
{
    /// <summary>Creates editors that fill a <see cref="VBuffer{T}"/> in place, reusing its buffers.</summary>
    public static class VBufferEditor
    {
        /// <summary>An editor over the existing explicit values of <paramref name="destination"/>.</summary>
        public static VBufferEditor<T> CreateFromBuffer<T>(scoped ref VBuffer<T> destination)
        {
            int explicitCount = destination.GetValues().Length;
            return Create(ref destination, destination.Length, explicitCount, keepOldOnResize: true);
        }

        /// <summary>
        /// An editor for a vector of logical length <paramref name="newLogicalLength"/> with <paramref name="valuesCount"/>
        /// explicit values (dense when omitted or equal to the length). The buffers of <paramref name="destination"/> are
        /// reused when large enough.
        /// </summary>
        public static VBufferEditor<T> Create<T>(scoped ref VBuffer<T> destination, int newLogicalLength, int? valuesCount = null,
            int? maxValuesCapacity = null, bool keepOldOnResize = false, bool requireIndicesOnDense = false)
        {
            if (newLogicalLength < 0) throw new ArgumentOutOfRangeException(nameof(newLogicalLength));
            int countValue = valuesCount ?? newLogicalLength;
            if (countValue < 0 || countValue > newLogicalLength) throw new ArgumentOutOfRangeException(nameof(valuesCount));

            T[] values = destination.ValuesBuffer;
            bool createdNewValues = false;
            if ((values?.Length ?? 0) < countValue)
            {
                int capacity = countValue; // maxValuesCapacity only bounds growth beyond the need, which never happens here
                var grown = new T[capacity];
                if (keepOldOnResize && values != null) Array.Copy(values, grown, Math.Min(values.Length, capacity));
                values = grown;
                createdNewValues = true;
            }

            int[] indices = destination.IndicesBuffer;
            bool createdNewIndices = false;
            bool needIndices = countValue < newLogicalLength || requireIndicesOnDense;
            if (needIndices && (indices?.Length ?? 0) < countValue)
            {
                var grown = new int[countValue];
                if (keepOldOnResize && indices != null) Array.Copy(indices, grown, Math.Min(indices.Length, countValue));
                indices = grown;
                createdNewIndices = true;
            }
            return new VBufferEditor<T>(newLogicalLength, countValue, values, indices, needIndices, createdNewValues, createdNewIndices);
        }
    }

    /// <summary>Edits the values and indices of a vector, then makes it with <see cref="Commit"/>.</summary>
    public readonly ref struct VBufferEditor<T>
    {
        private readonly int logicalLength;
        private readonly T[] valuesArray;
        private readonly int[] indicesArray;

        /// <summary>The explicit values to fill.</summary>
        public readonly Span<T> Values;

        /// <summary>The indices of the explicit values (empty for a dense vector).</summary>
        public readonly Span<int> Indices;

        /// <summary>Whether a new values array was allocated.</summary>
        public bool CreatedNewValues { get; }

        /// <summary>Whether a new indices array was allocated.</summary>
        public bool CreatedNewIndices { get; }

        internal VBufferEditor(int logicalLength, int count, T[] values, int[] indices, bool withIndices,
            bool createdNewValues, bool createdNewIndices)
        {
            this.logicalLength = logicalLength;
            valuesArray = values;
            indicesArray = indices;
            Values = values == null ? Span<T>.Empty : values.AsSpan(0, count);
            Indices = withIndices && indices != null ? indices.AsSpan(0, count) : Span<int>.Empty;
            CreatedNewValues = createdNewValues;
            CreatedNewIndices = createdNewIndices;
        }

        /// <summary>The edited vector.</summary>
        public VBuffer<T> Commit() => new VBuffer<T>(logicalLength, Values.Length, valuesArray, indicesArray);

        /// <summary>The edited vector, keeping only the first <paramref name="physicalValuesCount"/> explicit values.</summary>
        public VBuffer<T> CommitTruncated(int physicalValuesCount)
        {
            if (physicalValuesCount < 0 || physicalValuesCount > Values.Length) throw new ArgumentOutOfRangeException(nameof(physicalValuesCount));
            return new VBuffer<T>(logicalLength, physicalValuesCount, valuesArray, indicesArray);
        }
    }
}
