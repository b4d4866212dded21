using System;
using TorchSharp.Native;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>A pseudo-random number generator (libtorch's Philox/MT19937 CPU generator).</summary>
        public class Generator : IDisposable
        {
            private IntPtr handle;
            private readonly bool ownsGlobalAlias;

            /// <summary>Creates an independent generator seeded with <paramref name="seed"/>.</summary>
            public Generator(ulong seed = 0, Device? device = null)
            {
                device ??= CPU;
                handle = NativeMethods.tsb_generator_new((long)seed, (int)device.type, device.index);
                if (handle == IntPtr.Zero) CheckForErrors();
                this.device = device;
            }

            private Generator(IntPtr handle, Device device)
            {
                this.handle = handle;
                this.device = device;
                ownsGlobalAlias = true;
            }

            /// <summary>The default CPU generator, shared by every operation that is not given one.</summary>
            public static Generator Default { get; } = CreateDefault();

            /// <summary>The native generator handle.</summary>
            public IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

            /// <summary>The device whose random streams this generator drives.</summary>
            public Device device { get; }

            /// <summary>Reseeds the generator.</summary>
            public Generator manual_seed(long seed)
            {
                CheckStatus(NativeMethods.tsb_generator_manual_seed(Handle, seed));
                return this;
            }

            /// <summary>The seed the generator was last seeded with.</summary>
            public unsafe long initial_seed()
            {
                long value;
                CheckStatus(NativeMethods.tsb_generator_initial_seed(Handle, &value));
                return value;
            }

            /// <summary>Reseeds the generator non-deterministically and returns the new seed.</summary>
            public long seed()
            {
                long value = System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
                manual_seed(value);
                return value;
            }

            /// <summary>The full generator state as a byte tensor (for checkpoints).</summary>
            public Tensor get_state()
            {
                var result = NativeMethods.tsb_generator_get_state(Handle);
                GC.KeepAlive(this);
                return Tensor.FromNative(result);
            }

            /// <summary>Restores a state captured by <see cref="get_state"/>.</summary>
            public void set_state(Tensor value)
            {
                CheckStatus(NativeMethods.tsb_generator_set_state(Handle, value.Handle));
                GC.KeepAlive(value);
            }

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (handle == IntPtr.Zero || ownsGlobalAlias) return;
                NativeMethods.tsb_generator_dispose(handle);
                handle = IntPtr.Zero;
            }

            ~Generator() => Dispose(false);

            internal static IntPtr HandleOf(Generator? generator) => generator?.Handle ?? IntPtr.Zero;

            private static Generator CreateDefault()
            {
                var native = NativeMethods.tsb_generator_default((int)DeviceType.CPU);
                if (native == IntPtr.Zero) CheckForErrors();
                return new Generator(native, CPU);
            }
        }
    }
}
