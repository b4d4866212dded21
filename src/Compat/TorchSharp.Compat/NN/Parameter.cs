using TorchSharp.Modules;
using System;
using static TorchSharp.torch;

namespace TorchSharp.Modules
{
    /// <summary>
    /// A trainable tensor owned by a module. Constructing one takes over <c>data</c>: the new parameter is a detached
    /// leaf sharing its storage, and the <c>data</c> object is disposed (as in TorchSharp, where its handle moves).
    /// Parameters never belong to a dispose scope; their module disposes them.
    /// </summary>
    public class Parameter : Tensor
    {
        /// <summary>Creates a parameter from <paramref name="data"/>, which must not be used afterwards.</summary>
        public Parameter(Tensor data, bool requires_grad = true) : base(TakeOver(data, requires_grad), registerInScope: false)
        {
        }

        private static IntPtr TakeOver(Tensor data, bool requires_grad)
        {
            if (data is null) throw new ArgumentNullException(nameof(data));
            var leaf = data.detach();
            leaf.DetachFromDisposeScope();
            if (requires_grad) leaf.requires_grad = true;
            data.Dispose();
            // Hand the native handle to the parameter without freeing it.
            IntPtr handle = leaf.handle;
            leaf.handle = IntPtr.Zero;
            GC.SuppressFinalize(leaf);
            ReleaseCount();
            return handle;
        }
    }
}

namespace TorchSharp
{
    public static partial class torch
    {
        public static partial class nn
        {
            /// <summary>Wraps <paramref name="data"/> as a trainable parameter (taking it over).</summary>
            public static Modules.Parameter Parameter(Tensor data, bool requires_grad = true) => new Modules.Parameter(data, requires_grad);
        }
    }
}
