using System;
using TorchSharp.Native;

namespace TorchSharp
{
    /// <summary>
    /// A number passed to tensor operations (an operand, an alpha, a fill value). Implicitly converted
    /// from the .NET numeric types and bool. It holds no native resource in this implementation;
    /// Dispose is kept for source compatibility.
    /// </summary>
    public sealed class Scalar : IDisposable
    {
        private readonly ScalarArg value;

        private Scalar(ScalarArg value, torch.ScalarType type)
        {
            this.value = value;
            Type = type;
        }

        /// <summary>The element type the scalar was created from.</summary>
        public torch.ScalarType Type { get; }

        internal ScalarArg Native => value;

        internal double ToDouble() => value.Kind == 0 ? value.Real : value.Integer;

        public static implicit operator Scalar(byte value) => new Scalar(ScalarArg.FromLong(value), torch.ScalarType.Byte);
        public static implicit operator Scalar(sbyte value) => new Scalar(ScalarArg.FromLong(value), torch.ScalarType.Int8);
        public static implicit operator Scalar(short value) => new Scalar(ScalarArg.FromLong(value), torch.ScalarType.Int16);
        public static implicit operator Scalar(int value) => new Scalar(ScalarArg.FromLong(value), torch.ScalarType.Int32);
        public static implicit operator Scalar(long value) => new Scalar(ScalarArg.FromLong(value), torch.ScalarType.Int64);
        public static implicit operator Scalar(Half value) => new Scalar(ScalarArg.FromDouble((double)value), torch.ScalarType.Float16);
        public static implicit operator Scalar(float value) => new Scalar(ScalarArg.FromDouble(value), torch.ScalarType.Float32);
        public static implicit operator Scalar(double value) => new Scalar(ScalarArg.FromDouble(value), torch.ScalarType.Float64);
        public static implicit operator Scalar(bool value) => new Scalar(ScalarArg.FromBool(value), torch.ScalarType.Bool);

        /// <summary>Nothing to release; present for source compatibility.</summary>
        public void Dispose() { }
    }
}
