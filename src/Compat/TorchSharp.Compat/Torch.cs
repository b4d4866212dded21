using System;
using System.Runtime.InteropServices;
using TorchSharp.Native;

namespace TorchSharp
{
    /// <summary>The root of the TorchSharp API: tensor factories, math, and the nn/optim namespaces.</summary>
    public static partial class torch
    {
        private static ScalarType defaultDtype = ScalarType.Float32;
        private static Device defaultDevice = CPU;

        // ---- native errors ------------------------------------------------------------------

        /// <summary>Throws the pending native error, if any, as an <see cref="ExternalException"/>.</summary>
        public static void CheckForErrors()
        {
            string message = Marshal.PtrToStringUTF8(NativeMethods.tsb_last_error()) ?? "";
            if (message.Length == 0) return;
            NativeMethods.tsb_clear_last_error();
            throw new ExternalException(message);
        }

        internal static void ThrowLastError()
        {
            string message = Marshal.PtrToStringUTF8(NativeMethods.tsb_last_error()) ?? "";
            NativeMethods.tsb_clear_last_error();
            throw new ExternalException(message.Length == 0 ? "libtorch reported an error without a message" : message);
        }

        internal static void CheckStatus(int status)
        {
            if (status != 0) ThrowLastError();
        }

        // ---- defaults ---------------------------------------------------------------------------

        /// <summary>The dtype of floating-point factories when none is given (initially Float32).</summary>
        public static ScalarType get_default_dtype() => defaultDtype;

        /// <summary>Sets the dtype of floating-point factories when none is given.</summary>
        public static void set_default_dtype(ScalarType dtype) => defaultDtype = dtype;

        /// <summary>The device of factories when none is given (initially the CPU).</summary>
        public static Device get_default_device() => defaultDevice;

        /// <summary>Sets the device of factories when none is given.</summary>
        public static void set_default_device(Device device) => defaultDevice = device;

        internal static Device ResolveDevice(Device? device) => device ?? defaultDevice;

        // ---- threads ----------------------------------------------------------------------

        /// <summary>Sets the number of threads libtorch uses inside an operation.</summary>
        public static void set_num_threads(int num)
        {
            if (num < 1) throw new ArgumentOutOfRangeException(nameof(num), num, "The number of threads must be at least 1.");
            CheckStatus(NativeMethods.tsb_set_num_threads(num));
        }

        /// <summary>The number of threads libtorch uses inside an operation.</summary>
        public static int get_num_threads() => NativeMethods.tsb_get_num_threads();

        /// <summary>Sets the number of threads libtorch uses across operations (before any parallel work).</summary>
        public static void set_num_interop_threads(int num) => CheckStatus(NativeMethods.tsb_set_num_interop_threads(num));

        /// <summary>The number of threads libtorch uses across operations.</summary>
        public static int get_num_interop_threads() => NativeMethods.tsb_get_num_interop_threads();

        // ---- autograd modes ------------------------------------------------------------------------

        /// <summary>Disables gradient recording on this thread until the returned object is disposed.</summary>
        public static IDisposable no_grad() => new GradModeGuard(false);

        /// <summary>Enables (or disables) gradient recording on this thread until the returned object is disposed.</summary>
        public static IDisposable enable_grad(bool enabled = true) => new GradModeGuard(enabled);

        /// <summary>Sets gradient recording on this thread until the returned object is disposed.</summary>
        public static IDisposable set_grad_enabled(bool mode = true) => new GradModeGuard(mode);

        /// <summary>Whether gradients are recorded on this thread.</summary>
        public static bool is_grad_enabled() => NativeMethods.tsb_is_grad_enabled() != 0;

        private sealed class GradModeGuard : IDisposable
        {
            private readonly bool previous;
            private bool disposed;

            public unsafe GradModeGuard(bool enabled)
            {
                sbyte before;
                CheckStatus(NativeMethods.tsb_set_grad_enabled(enabled, &before));
                previous = before != 0;
            }

            public unsafe void Dispose()
            {
                if (disposed) return;
                disposed = true;
                sbyte ignored;
                CheckStatus(NativeMethods.tsb_set_grad_enabled(previous, &ignored));
            }
        }

        // ---- random seeds -----------------------------------------------------------------------

        /// <summary>Seeds the default CPU generator.</summary>
        public static Generator manual_seed(long seed) => random.manual_seed(seed);

        /// <summary>Seeds the default CPU generator non-deterministically and returns the seed.</summary>
        public static long seed() => random.seed();

        /// <summary>The seed of the default CPU generator.</summary>
        public static long initial_seed() => random.initial_seed();

        /// <summary>The default generator's seed and state.</summary>
        public static class random
        {
            /// <summary>Seeds the default CPU generator.</summary>
            public static Generator manual_seed(long seed)
            {
                CheckStatus(NativeMethods.tsb_manual_seed(seed));
                return Generator.Default;
            }

            /// <summary>Seeds the default CPU generator non-deterministically and returns the seed.</summary>
            public static unsafe long seed()
            {
                long value;
                CheckStatus(NativeMethods.tsb_seed(&value));
                return value;
            }

            /// <summary>The seed of the default CPU generator.</summary>
            public static unsafe long initial_seed()
            {
                long value;
                CheckStatus(NativeMethods.tsb_initial_seed(&value));
                return value;
            }

            /// <summary>The default CPU generator's state as a byte tensor.</summary>
            public static Tensor get_rng_state() => Generator.Default.get_state();

            /// <summary>Restores the default CPU generator's state.</summary>
            public static void set_rng_state(Tensor new_state) => Generator.Default.set_state(new_state);
        }

        // ---- devices -----------------------------------------------------------------------------

        /// <summary>Whether this libtorch build can use CUDA devices.</summary>
        public static bool cuda_is_available() => cuda.is_available();

        /// <summary>CUDA queries.</summary>
        public static class cuda
        {
            /// <summary>Whether this libtorch build can use CUDA devices.</summary>
            public static unsafe bool is_available()
            {
                sbyte value;
                CheckStatus(NativeMethods.tsb_cuda_is_available(&value));
                return value != 0;
            }

            /// <summary>The number of CUDA devices.</summary>
            public static unsafe int device_count()
            {
                int value;
                CheckStatus(NativeMethods.tsb_cuda_device_count(&value));
                return value;
            }
        }

        /// <summary>Checks that a device type can be used; throws otherwise.</summary>
        public static void InitializeDeviceType(DeviceType deviceType)
        {
            if (!TryInitializeDeviceType(deviceType))
                throw new InvalidOperationException($"Device type {deviceType} is not available in this libtorch build.");
        }

        /// <summary>Whether a device type can be used with this libtorch build.</summary>
        public static bool TryInitializeDeviceType(DeviceType deviceType) => deviceType switch
        {
            DeviceType.CPU or DeviceType.META => true,
            DeviceType.CUDA => cuda.is_available(),
            _ => false,
        };

        /// <summary>Checks that <paramref name="device"/> (default: CPU) can be used and returns it.</summary>
        public static Device InitializeDevice(Device? device)
        {
            device ??= CPU;
            InitializeDeviceType(device.type);
            return device;
        }

        // ---- dispose scopes -------------------------------------------------------------------

        /// <summary>Opens a dispose scope on this thread: tensors created until it is disposed are disposed with it.</summary>
        public static DisposeScope NewDisposeScope() => DisposeScopeManager.ThreadSingleton.NewDisposeScope();

        /// <summary>The innermost open dispose scope of this thread.</summary>
        public static DisposeScope? CurrentDisposeScope => DisposeScopeManager.ThreadSingleton.CurrentScope;

        /// <summary>Evaluates <paramref name="expr"/> in a fresh scope and moves only its result out.</summary>
        public static Tensor WrappedTensorDisposeScope(Func<Tensor> expr)
        {
            using var scope = NewDisposeScope();
            return expr().MoveToOuterDisposeScope();
        }
    }
}
