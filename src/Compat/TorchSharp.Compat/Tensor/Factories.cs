using System;
using System.Linq;
using TorchSharp.Native;

namespace TorchSharp
{
    public static partial class torch
    {
        internal enum FactoryKind { Zeros, Ones, Empty }

        internal static sbyte DtypeCode(ScalarType? dtype) => dtype.HasValue ? (sbyte)dtype.Value : (sbyte)-1;

        private static void RejectNames(string[]? names)
        {
            if (names != null)
                throw new NotSupportedException("Named tensors (the 'names' argument) are not supported by this TorchSharp subset.");
        }

        private static unsafe Tensor ShapeFactory(FactoryKind kind, long[] size, ScalarType? dtype, Device? device, bool requires_grad, string[]? names)
        {
            RejectNames(names);
            var d = ResolveDevice(device);
            var code = (sbyte)(dtype ?? defaultDtype);
            fixed (long* shape = size)
            {
                IntPtr result = kind switch
                {
                    FactoryKind.Zeros => NativeMethods.tsb_zeros(shape, size.Length, code, (int)d.type, d.index, requires_grad),
                    FactoryKind.Ones => NativeMethods.tsb_ones(shape, size.Length, code, (int)d.type, d.index, requires_grad),
                    _ => NativeMethods.tsb_empty(shape, size.Length, code, (int)d.type, d.index, requires_grad),
                };
                return Tensor.FromNative(result);
            }
        }

        private static unsafe Tensor Full(long[] size, Scalar value, ScalarType? dtype, Device? device, bool requires_grad, string[]? names)
        {
            RejectNames(names);
            var d = ResolveDevice(device);
            // Without a dtype, libtorch infers it from the value (bool, long, or the default float type).
            sbyte code = dtype.HasValue ? (sbyte)dtype.Value : value.Native.Kind == 0 ? (sbyte)defaultDtype : (sbyte)-1;
            fixed (long* shape = size)
                return Tensor.FromNative(NativeMethods.tsb_full(shape, size.Length, value.Native, code, (int)d.type, d.index, requires_grad));
        }

        private static unsafe Tensor RandomFactory(bool normal, long[] size, ScalarType? dtype, Device? device, bool requires_grad, Generator? generator, string[]? names)
        {
            RejectNames(names);
            var d = ResolveDevice(device);
            var code = (sbyte)(dtype ?? defaultDtype);
            fixed (long* shape = size)
            {
                IntPtr result = normal
                    ? NativeMethods.tsb_randn(shape, size.Length, code, (int)d.type, d.index, requires_grad, Generator.HandleOf(generator))
                    : NativeMethods.tsb_rand(shape, size.Length, code, (int)d.type, d.index, requires_grad, Generator.HandleOf(generator));
                GC.KeepAlive(generator);
                return Tensor.FromNative(result);
            }
        }

        // ---- *_like -----------------------------------------------------------------------------------

        private static (sbyte dtype, int type, int index) LikeOptions(ScalarType? dtype, Device? device) =>
            (DtypeCode(dtype), device is null ? -1 : (int)device.type, device?.index ?? -1);

        /// <summary>Zeros with the shape (and, by default, dtype and device) of <paramref name="input"/>.</summary>
        public static Tensor zeros_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            RejectNames(names);
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_zeros_like(input.Handle, code, type, index, requires_grad));
        }

        /// <summary>Ones with the shape (and, by default, dtype and device) of <paramref name="input"/>.</summary>
        public static Tensor ones_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            RejectNames(names);
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_ones_like(input.Handle, code, type, index, requires_grad));
        }

        /// <summary>Uninitialised elements with the shape (and, by default, dtype and device) of <paramref name="input"/>.</summary>
        public static Tensor empty_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            RejectNames(names);
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_empty_like(input.Handle, code, type, index, requires_grad));
        }

        /// <summary><paramref name="value"/> everywhere, with the shape (and, by default, dtype and device) of <paramref name="input"/>.</summary>
        public static Tensor full_like(Tensor input, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            RejectNames(names);
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_full_like(input.Handle, value.Native, code, type, index, requires_grad));
        }

        /// <summary>Samples from U[0, 1) with the shape of <paramref name="input"/>.</summary>
        public static Tensor rand_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_rand_like(input.Handle, code, type, index, requires_grad));
        }

        /// <summary>Samples from N(0, 1) with the shape of <paramref name="input"/>.</summary>
        public static Tensor randn_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (code, type, index) = LikeOptions(dtype, device);
            return input.Wrap(NativeMethods.tsb_randn_like(input.Handle, code, type, index, requires_grad));
        }

        // ---- ranges ---------------------------------------------------------------------------------------

        /// <summary>Values from <paramref name="start"/> (inclusive) to <paramref name="stop"/> (exclusive) by <paramref name="step"/>.</summary>
        public static Tensor arange(Scalar start, Scalar stop, Scalar step, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var d = ResolveDevice(device);
            bool floating = start.Native.Kind == 0 || stop.Native.Kind == 0 || step.Native.Kind == 0;
            var code = dtype.HasValue ? (sbyte)dtype.Value : floating ? (sbyte)defaultDtype : (sbyte)ScalarType.Int64;
            return Tensor.FromNative(NativeMethods.tsb_arange(start.Native, stop.Native, step.Native, code, (int)d.type, d.index, requires_grad));
        }

        /// <summary>Values from <paramref name="start"/> (inclusive) to <paramref name="stop"/> (exclusive) by 1.</summary>
        public static Tensor arange(Scalar start, Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
            arange(start, stop, 1, dtype, device, requires_grad);

        /// <summary>Values from 0 (inclusive) to <paramref name="stop"/> (exclusive) by 1.</summary>
        public static Tensor arange(Scalar stop, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
            arange(0, stop, 1, dtype, device, requires_grad);

        /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
        public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var d = ResolveDevice(device);
            return Tensor.FromNative(NativeMethods.tsb_linspace(start, end, steps, (sbyte)(dtype ?? defaultDtype), (int)d.type, d.index, requires_grad));
        }

        /// <summary>A matrix with ones on the diagonal.</summary>
        public static Tensor eye(long rows, long columns = -1L, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, string[]? names = null)
        {
            RejectNames(names);
            var d = ResolveDevice(device);
            return Tensor.FromNative(NativeMethods.tsb_eye(rows, columns, (sbyte)(dtype ?? defaultDtype), (int)d.type, d.index, requires_grad));
        }

        // ---- integer random factories -----------------------------------------------------------------

        /// <summary>Integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
        public static unsafe Tensor randint(long low, long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null)
        {
            RejectNames(names);
            var d = ResolveDevice(device);
            fixed (long* shape = size)
            {
                var result = NativeMethods.tsb_randint(low, high, shape, size.Length, DtypeCode(dtype), (int)d.type, d.index, requires_grad, Generator.HandleOf(generator));
                GC.KeepAlive(generator);
                return Tensor.FromNative(result);
            }
        }

        /// <summary>Integers drawn uniformly from [0, <paramref name="high"/>).</summary>
        public static Tensor randint(long high, long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) =>
            randint(0, high, size, dtype, device, requires_grad, generator, names);

        /// <summary>Integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
        public static Tensor randint(long low, long high, Size size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) =>
            randint(low, high, size.Shape, dtype, device, requires_grad, generator, names);

        /// <summary>Integers drawn uniformly from [0, <paramref name="high"/>).</summary>
        public static Tensor randint(long high, Size size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) =>
            randint(0, high, size.Shape, dtype, device, requires_grad, generator, names);

        /// <summary>Integers drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
        public static Tensor randint(int low, int high, int[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) =>
            randint(low, high, size.Select(s => (long)s).ToArray(), dtype, device, requires_grad, generator, names);

        /// <summary>Integers drawn uniformly from [0, <paramref name="high"/>).</summary>
        public static Tensor randint(int high, int[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null, string[]? names = null) =>
            randint(0, high, size.Select(s => (long)s).ToArray(), dtype, device, requires_grad, generator, names);

        /// <summary>A random permutation of 0 .. <paramref name="n"/>-1.</summary>
        public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null, bool requires_grad = false, Generator? generator = null)
        {
            var d = ResolveDevice(device);
            var result = NativeMethods.tsb_randperm(n, DtypeCode(dtype), (int)d.type, d.index, requires_grad, Generator.HandleOf(generator));
            GC.KeepAlive(generator);
            return Tensor.FromNative(result);
        }
    }
}
