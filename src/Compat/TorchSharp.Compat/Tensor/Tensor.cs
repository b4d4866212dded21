using System;
using System.Threading;
using TorchSharp.Native;
using TorchSharp.Utils;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>
        /// A multi-dimensional array on a device, with autograd, backed by a libtorch tensor. Each instance owns
        /// one native handle; dispose it (or let a <see cref="DisposeScope"/> do so) to free native memory promptly.
        /// </summary>
        public partial class Tensor : IDisposable
        {
            private static long totalCount;
            private static long peakCount;

            internal IntPtr handle;

            internal Tensor(IntPtr handle, bool registerInScope = true)
            {
                this.handle = handle;
                long live = Interlocked.Increment(ref totalCount);
                long peak;
                while (live > (peak = Interlocked.Read(ref peakCount)) &&
                       Interlocked.CompareExchange(ref peakCount, live, peak) != peak) { }
                if (registerInScope) DisposeScopeManager.RegisterOnCurrentScope(this);
            }

            ~Tensor() => Dispose(false);

            /// <summary>Accounts for a managed wrapper whose handle was handed to another wrapper.</summary>
            internal static void ReleaseCount() => Interlocked.Decrement(ref totalCount);

            /// <summary>The dispose scope that owns this tensor, if any.</summary>
            internal DisposeScope? OwningScope { get; set; }

            /// <summary>The native handle (an at::Tensor*). Throws once the tensor is disposed.</summary>
            public IntPtr Handle
            {
                get
                {
                    if (handle == IntPtr.Zero)
                        throw new ObjectDisposedException(nameof(Tensor), "The tensor has been disposed; it can no longer be used.");
                    return handle;
                }
            }

            /// <summary>Whether the tensor has been disposed.</summary>
            public bool IsInvalid => handle == IntPtr.Zero;

            /// <summary>Number of live (undisposed) tensors in the process.</summary>
            public static long TotalCount => Interlocked.Read(ref totalCount);

            /// <summary>Highest number of live tensors seen so far.</summary>
            public static long PeakCount => Interlocked.Read(ref peakCount);

            /// <summary>Wraps a native at::Tensor* handle, taking ownership of it.</summary>
            public static Tensor UnsafeCreateTensor(IntPtr handle) => new Tensor(handle);

            /// <summary>A CPU tensor whose elements are the raw little-endian bytes given.</summary>
            internal static unsafe Tensor FromBytes(byte[] bytes, ScalarType dtype, long[] shape)
            {
                fixed (byte* data = bytes)
                fixed (long* dims = shape)
                    return FromNative(NativeMethods.tsb_tensor_from_data(data, dims, shape.Length, (sbyte)dtype, -1, -1, -1, false));
            }

            /// <summary>Copies the elements (row-major, native byte order) into <paramref name="bytes"/>, which must fit exactly.</summary>
            internal unsafe void CopyToBytes(byte[] bytes)
            {
                fixed (byte* data = bytes) Check(NativeMethods.tsb_tensor_copy_to_buffer(Handle, data, bytes.Length));
            }

            /// <summary>Overwrites the elements from raw bytes (row-major, native byte order), which must fit exactly.</summary>
            internal unsafe void CopyFromBytes(byte[] bytes)
            {
                fixed (byte* data = bytes) Check(NativeMethods.tsb_tensor_copy_from_buffer(Handle, data, bytes.Length));
            }

            /// <summary>Wraps the result of a bridge call, turning a null handle into the native error.</summary>
            internal static Tensor FromNative(IntPtr result)
            {
                if (result == IntPtr.Zero) ThrowLastError();
                return new Tensor(result);
            }

            // Result helpers: using 'this' (and the operands) after the native call keeps them from being
            // finalized while native code still reads them.
            internal Tensor Wrap(IntPtr result)
            {
                GC.KeepAlive(this);
                return FromNative(result);
            }

            internal Tensor Wrap(IntPtr result, Tensor? operand)
            {
                GC.KeepAlive(this);
                GC.KeepAlive(operand);
                return FromNative(result);
            }

            internal Tensor Wrap(IntPtr result, Tensor? operand1, Tensor? operand2)
            {
                GC.KeepAlive(this);
                GC.KeepAlive(operand1);
                GC.KeepAlive(operand2);
                return FromNative(result);
            }

            internal void Check(int status, Tensor? operand = null, Tensor? operand2 = null)
            {
                GC.KeepAlive(this);
                GC.KeepAlive(operand);
                GC.KeepAlive(operand2);
                if (status != 0) ThrowLastError();
            }

            internal static IntPtr HandleOrZero(Tensor? tensor) => tensor is null ? IntPtr.Zero : tensor.Handle;

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                IntPtr h = Interlocked.Exchange(ref handle, IntPtr.Zero);
                if (h == IntPtr.Zero) return;
                if (disposing)
                {
                    OwningScope?.MarkAsDisposed(this);
                    OwningScope = null;
                }
                NativeMethods.tsb_tensor_dispose(h);
                Interlocked.Decrement(ref totalCount);
            }

            /// <summary>Moves the tensor to the dispose scope enclosing the current one (or out of all scopes).</summary>
            public Tensor MoveToOuterDisposeScope() => OwningScope is null ? this : OwningScope.MoveToOuter(this);

            /// <summary>Removes the tensor from its dispose scope; the caller then owns it.</summary>
            public Tensor DetachFromDisposeScope() => OwningScope is null ? this : OwningScope.Detach(this);

            /// <summary>Moves the tensor to the scope that owns <paramref name="other"/>.</summary>
            public Tensor MoveToOtherDisposeScope(Tensor other) => MoveToOtherDisposeScope(other.OwningScope);

            /// <summary>Moves the tensor to another scope (or out of all scopes when null).</summary>
            public Tensor MoveToOtherDisposeScope(DisposeScope? other)
            {
                if (OwningScope is not null) return OwningScope.MoveToOther(other, this);
                other?.Attach(this);
                return this;
            }

            // ---- metadata ----------------------------------------------------------------------

            /// <summary>The size of each dimension.</summary>
            public unsafe long[] shape
            {
                get
                {
                    long n;
                    Check(NativeMethods.tsb_tensor_ndim(Handle, &n));
                    var result = new long[n];
                    fixed (long* p = result) Check(NativeMethods.tsb_tensor_shape(Handle, p));
                    return result;
                }
            }

            /// <summary>The size of each dimension.</summary>
            public long[] size() => shape;

            /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
            public long size(int dim)
            {
                var s = shape;
                int d = dim < 0 ? dim + s.Length : dim;
                if (d < 0 || d >= s.Length)
                    throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for a tensor with {s.Length} dimensions.");
                return s[d];
            }

            /// <summary>The stride of each dimension, in elements.</summary>
            public unsafe long[] stride()
            {
                var result = new long[dim()];
                fixed (long* p = result) Check(NativeMethods.tsb_tensor_strides(Handle, p));
                return result;
            }

            /// <summary>The stride of dimension <paramref name="dim"/>, in elements.</summary>
            public long stride(int dim)
            {
                var s = stride();
                int d = dim < 0 ? dim + s.Length : dim;
                if (d < 0 || d >= s.Length)
                    throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension {dim} is out of range for a tensor with {s.Length} dimensions.");
                return s[d];
            }

            /// <summary>The offset, in elements, of the first element within the tensor's storage.</summary>
            public unsafe long storage_offset()
            {
                long offset;
                Check(NativeMethods.tsb_tensor_storage_offset(Handle, &offset));
                return offset;
            }

            /// <summary>
            /// The raw bytes of a contiguous CPU tensor (native byte order). The span points into the tensor's memory and
            /// is valid only while the tensor is alive; setting copies the given bytes in, which must match the size exactly.
            /// </summary>
            public Span<byte> bytes
            {
                get
                {
                    var (pointer, length) = RawBytes("bytes");
                    unsafe { return new Span<byte>((void*)pointer, length); }
                }
                set
                {
                    var (pointer, length) = RawBytes("bytes");
                    if (value.Length != length)
                        throw new ArgumentException($"The tensor holds {length} bytes but {value.Length} were given.", nameof(value));
                    unsafe { value.CopyTo(new Span<byte>((void*)pointer, length)); }
                    GC.KeepAlive(this);
                }
            }

            private unsafe (IntPtr pointer, int length) RawBytes(string member)
            {
                if (!is_contiguous()) throw new InvalidOperationException($"{member} needs a contiguous tensor; call contiguous() first.");
                if (device_type != DeviceType.CPU) throw new InvalidOperationException($"{member} needs a CPU tensor; this one is on {device}. Call cpu() first.");
                long total = numel() * ElementSize;
                if (total > int.MaxValue) throw new InvalidOperationException($"{member} covers at most {int.MaxValue} bytes; this tensor holds {total}.");
                if (total == 0) return (IntPtr.Zero, 0);
                void* data;
                Check(NativeMethods.tsb_tensor_data_ptr(Handle, &data));
                return ((IntPtr)data, (int)total);
            }

            /// <summary>The number of dimensions.</summary>
            public unsafe long dim()
            {
                long n;
                Check(NativeMethods.tsb_tensor_ndim(Handle, &n));
                return n;
            }

            /// <summary>The number of dimensions.</summary>
            public long ndim => dim();

            /// <summary>The number of dimensions.</summary>
            public long Dimensions => dim();

            /// <summary>The number of elements.</summary>
            public unsafe long numel()
            {
                long n;
                Check(NativeMethods.tsb_tensor_numel(Handle, &n));
                return n;
            }

            /// <summary>The number of elements.</summary>
            public long NumberOfElements => numel();

            /// <summary>The size of one element in bytes.</summary>
            public unsafe long ElementSize
            {
                get
                {
                    long n;
                    Check(NativeMethods.tsb_tensor_element_size(Handle, &n));
                    return n;
                }
            }

            /// <summary>Whether the elements are laid out contiguously in row-major order.</summary>
            public unsafe bool is_contiguous()
            {
                sbyte value;
                Check(NativeMethods.tsb_tensor_is_contiguous(Handle, &value));
                return value != 0;
            }

            /// <summary>The element type.</summary>
            public unsafe ScalarType dtype
            {
                get
                {
                    sbyte value;
                    Check(NativeMethods.tsb_tensor_dtype(Handle, &value));
                    return (ScalarType)value;
                }
            }

            /// <summary>The device holding the elements.</summary>
            public unsafe Device device
            {
                get
                {
                    int type, index;
                    Check(NativeMethods.tsb_tensor_device(Handle, &type, &index));
                    return new Device((DeviceType)type, index);
                }
            }

            /// <summary>The kind of device holding the elements.</summary>
            public DeviceType device_type => device.type;

            /// <summary>The index of the device holding the elements.</summary>
            public int device_index => device.index;

            /// <summary>Whether the tensor lives on a CUDA device.</summary>
            public bool is_cuda => device_type == DeviceType.CUDA;

            // ---- element access ---------------------------------------------------------------------

            /// <summary>The value of a one-element tensor; <typeparamref name="T"/> must match <see cref="dtype"/>.</summary>
            public unsafe T item<T>() where T : unmanaged
            {
                long count = numel();
                if (count != 1)
                    throw new ArgumentException($"item<{typeof(T).Name}>() needs a tensor with exactly one element; this one has {count}.");
                TensorAccessor<T>.ValidateElementType(dtype);
                if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short) ||
                    typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(bool))
                {
                    long value;
                    Check(NativeMethods.tsb_tensor_item_int64(Handle, &value));
                    if (typeof(T) == typeof(bool)) { bool b = value != 0; return *(T*)&b; }
                    if (typeof(T) == typeof(long)) return *(T*)&value;
                    if (typeof(T) == typeof(int)) { int v = (int)value; return *(T*)&v; }
                    if (typeof(T) == typeof(short)) { short v = (short)value; return *(T*)&v; }
                    if (typeof(T) == typeof(byte)) { byte v = (byte)value; return *(T*)&v; }
                    sbyte s = (sbyte)value;
                    return *(T*)&s;
                }
                double real;
                Check(NativeMethods.tsb_tensor_item_double(Handle, &real));
                if (typeof(T) == typeof(double)) return *(T*)&real;
                if (typeof(T) == typeof(float)) { float f = (float)real; return *(T*)&f; }
                Half h = (Half)real;
                return *(T*)&h;
            }

            /// <summary>
            /// A view of the elements of a CPU tensor for reading and writing from .NET; <typeparamref name="T"/>
            /// must match <see cref="dtype"/>. The accessor keeps the tensor alive while in use.
            /// </summary>
            public TensorAccessor<T> data<T>() where T : unmanaged => new TensorAccessor<T>(this);

            public static explicit operator float(Tensor value) => value.item<float>();
            public static explicit operator double(Tensor value) => value.item<double>();
            public static explicit operator long(Tensor value) => value.item<long>();
            public static explicit operator int(Tensor value) => value.item<int>();
            public static explicit operator short(Tensor value) => value.item<short>();
            public static explicit operator byte(Tensor value) => value.item<byte>();
            public static explicit operator sbyte(Tensor value) => value.item<sbyte>();
            public static explicit operator bool(Tensor value) => value.item<bool>();

            /// <summary>A compact description: shape, element type and device.</summary>
            public override string ToString() => ToString(TensorStringStyle.Metadata);
        }
    }
}
