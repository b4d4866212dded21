using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Ops
{
    /// <summary>
    /// The scalars of one operation, made once and disposed with it. (TorchSharp 0.107 converts a .NET number to a native
    /// Scalar on every implicit use, and only the finalizer frees it: arithmetic with plain numbers in a loop makes the C
    /// heap grow between garbage collections.) Integral and floating scalars are kept apart, so that comparisons with
    /// int64 tensors stay integral.
    /// </summary>
    internal sealed class ScalarCache : IDisposable
    {
        private readonly Dictionary<long, Scalar> integers = new();
        private readonly Dictionary<double, Scalar> reals = new();

        /// <summary>An integral scalar (for int64 tensors, and exact for floating ones up to 2^24).</summary>
        public Scalar I(long value)
        {
            if (!integers.TryGetValue(value, out var s)) integers[value] = s = value.ToScalar();
            return s;
        }

        /// <summary>A floating scalar (float64; libtorch converts it to a floating tensor's dtype).</summary>
        public Scalar F(double value)
        {
            // NaN keys compare equal in Dictionary<double, _> (double.Equals), which is what is wanted here.
            if (!reals.TryGetValue(value, out var s)) reals[value] = s = value.ToScalar();
            return s;
        }

        public void Dispose()
        {
            foreach (var s in integers.Values) s.Dispose();
            foreach (var s in reals.Values) s.Dispose();
            integers.Clear();
            reals.Clear();
        }
    }
}
