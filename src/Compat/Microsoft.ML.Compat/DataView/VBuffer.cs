using System;
using System.Collections;
using System.Collections.Generic;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// A vector value, dense or sparse. Dense: the first <see cref="Length"/> values are the items. Sparse: the first
    /// count values are the explicit items at the (strictly increasing) indices; every other item is default(T).
    /// The buffers may be longer than needed, so that getters can reuse them from row to row.
    /// </summary>
    public readonly struct VBuffer<T> : IEnumerable
    {
        private readonly int count;
        private readonly T[] values;
        private readonly int[] indices;

        /// <summary>The logical length of the vector.</summary>
        public readonly int Length;

        /// <summary>A dense vector of <paramref name="length"/> items, or sparse when indices are given.</summary>
        public VBuffer(int length, T[] values, int[] indices = null)
        {
            if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
            if ((values?.Length ?? 0) < length) throw new ArgumentException("The values array is shorter than the length.", nameof(values));
            Length = length;
            count = length;
            this.values = values;
            this.indices = indices;
        }

        /// <summary>A vector with <paramref name="count"/> explicit values; dense when count equals length.</summary>
        public VBuffer(int length, int count, T[] values, int[] indices)
        {
            if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
            if (count < 0 || count > length) throw new ArgumentOutOfRangeException(nameof(count));
            if ((values?.Length ?? 0) < count) throw new ArgumentException("The values array is shorter than count.", nameof(values));
            if (count < length && (indices?.Length ?? 0) < count)
                throw new ArgumentException("A sparse vector needs an index per explicit value.", nameof(indices));
            Length = length;
            this.count = count;
            this.values = values;
            this.indices = indices;
        }

        /// <summary>The explicit values (all items when dense).</summary>
        public ReadOnlySpan<T> GetValues() => values == null ? ReadOnlySpan<T>.Empty : new ReadOnlySpan<T>(values, 0, count);

        /// <summary>The indices of the explicit values; empty when dense.</summary>
        public ReadOnlySpan<int> GetIndices() => IsDense || indices == null ? ReadOnlySpan<int>.Empty : new ReadOnlySpan<int>(indices, 0, count);

        /// <summary>Whether every item is explicit.</summary>
        public bool IsDense => Length == count;

        /// <summary>The raw buffers, for internal code that edits vectors in place.</summary>
        internal T[] ValuesBuffer => values;

        internal int[] IndicesBuffer => indices;

        /// <summary>Copies this vector into <paramref name="destination"/> as a dense vector.</summary>
        public void CopyToDense(ref VBuffer<T> destination)
        {
            var editor = VBufferEditor.Create(ref destination, Length);
            if (IsDense) GetValues().CopyTo(editor.Values);
            else
            {
                editor.Values.Clear();
                var v = GetValues();
                var ix = GetIndices();
                for (int i = 0; i < v.Length; i++) editor.Values[ix[i]] = v[i];
            }
            destination = editor.Commit();
        }

        /// <summary>Copies this vector (keeping its representation) into <paramref name="destination"/>.</summary>
        public void CopyTo(ref VBuffer<T> destination)
        {
            var editor = VBufferEditor.Create(ref destination, Length, count);
            GetValues().CopyTo(editor.Values);
            if (!IsDense) GetIndices().CopyTo(editor.Indices);
            destination = editor.Commit();
        }

        /// <summary>Copies items [sourceIndex, sourceIndex + length) into <paramref name="destination"/>.</summary>
        public void CopyTo(ref VBuffer<T> destination, int sourceIndex, int length)
        {
            if (sourceIndex < 0 || length < 0 || sourceIndex > Length - length) throw new ArgumentOutOfRangeException(nameof(sourceIndex));
            if (IsDense)
            {
                var editor = VBufferEditor.Create(ref destination, length);
                GetValues().Slice(sourceIndex, length).CopyTo(editor.Values);
                destination = editor.Commit();
                return;
            }
            var ix = GetIndices();
            int lo = 0;
            while (lo < ix.Length && ix[lo] < sourceIndex) lo++;
            int hi = lo;
            while (hi < ix.Length && ix[hi] < sourceIndex + length) hi++;
            var sparse = VBufferEditor.Create(ref destination, length, hi - lo);
            for (int i = lo; i < hi; i++)
            {
                sparse.Values[i - lo] = values[i];
                if (hi - lo < length) sparse.Indices[i - lo] = ix[i] - sourceIndex;
            }
            destination = sparse.Commit();
        }

        /// <summary>Copies all items densely into <paramref name="destination"/>.</summary>
        public void CopyTo(Span<T> destination) => CopyTo(destination, 0);

        /// <summary>Copies all items densely into <paramref name="destination"/> from <paramref name="destinationIndex"/>.</summary>
        public void CopyTo(Span<T> destination, int destinationIndex, T defaultValue = default(T))
        {
            if (destinationIndex < 0 || destination.Length - destinationIndex < Length)
                throw new ArgumentException("The destination is too short.", nameof(destination));
            var target = destination.Slice(destinationIndex, Length);
            if (IsDense)
            {
                GetValues().CopyTo(target);
                return;
            }
            target.Fill(defaultValue);
            var v = GetValues();
            var ix = GetIndices();
            for (int i = 0; i < v.Length; i++) target[ix[i]] = v[i];
        }

        /// <summary>Makes <paramref name="destination"/> a dense vector holding source[sourceIndex..sourceIndex+length).</summary>
        public static void Copy(T[] source, int sourceIndex, ref VBuffer<T> destination, int length)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            if (sourceIndex < 0 || length < 0 || sourceIndex > source.Length - length) throw new ArgumentOutOfRangeException(nameof(sourceIndex));
            var editor = VBufferEditor.Create(ref destination, length);
            source.AsSpan(sourceIndex, length).CopyTo(editor.Values);
            destination = editor.Commit();
        }

        /// <summary>The (index, value) pairs: explicit items only, or every item when <paramref name="all"/>.</summary>
        public IEnumerable<KeyValuePair<int, T>> Items(bool all = false)
        {
            var self = this;
            return ItemsCore(self, all);
        }

        private static IEnumerable<KeyValuePair<int, T>> ItemsCore(VBuffer<T> v, bool all)
        {
            if (v.IsDense)
            {
                for (int i = 0; i < v.Length; i++) yield return new KeyValuePair<int, T>(i, v.values[i]);
                yield break;
            }
            int next = 0;
            for (int k = 0; k < v.count; k++)
            {
                int index = v.indices[k];
                if (all)
                    for (; next < index; next++) yield return new KeyValuePair<int, T>(next, default);
                yield return new KeyValuePair<int, T>(index, v.values[k]);
                next = index + 1;
            }
            if (all)
                for (; next < v.Length; next++) yield return new KeyValuePair<int, T>(next, default);
        }

        /// <summary>Every item in order, defaults included.</summary>
        public IEnumerable<T> DenseValues()
        {
            foreach (var item in ItemsCore(this, true)) yield return item.Value;
        }

        /// <summary>Reads the item at <paramref name="index"/> (default when not explicit).</summary>
        public void GetItemOrDefault(int index, ref T destination) => destination = GetItemOrDefault(index);

        /// <summary>The item at <paramref name="index"/> (default when not explicit).</summary>
        public T GetItemOrDefault(int index)
        {
            if (index < 0 || index >= Length) throw new ArgumentOutOfRangeException(nameof(index));
            if (IsDense) return values[index];
            int position = Array.BinarySearch(indices, 0, count, index);
            return position >= 0 ? values[position] : default;
        }

        /// <summary>"Dense vector of size N" or "Sparse vector of size N, K explicit values".</summary>
        public override string ToString() =>
            IsDense ? $"Dense vector of size {Length}" : $"Sparse vector of size {Length}, {count} explicit values";

        /// <summary>Enumerates the explicit values.</summary>
        public IEnumerator GetEnumerator()
        {
            var copy = new T[count];
            GetValues().CopyTo(copy);
            return copy.GetEnumerator();
        }
    }
}
