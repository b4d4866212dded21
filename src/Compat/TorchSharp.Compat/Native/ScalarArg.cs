using System.Runtime.InteropServices;

namespace TorchSharp.Native
{
    /// <summary>A scalar passed by value to the bridge (layout of the C struct ScalarArg).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ScalarArg
    {
        /// <summary>0 = floating (Real), 1 = integral (Integer), 2 = boolean (Integer != 0).</summary>
        public int Kind;
        public long Integer;
        public double Real;

        public static ScalarArg FromDouble(double value) => new ScalarArg { Kind = 0, Real = value };
        public static ScalarArg FromLong(long value) => new ScalarArg { Kind = 1, Integer = value };
        public static ScalarArg FromBool(bool value) => new ScalarArg { Kind = 2, Integer = value ? 1 : 0 };
    }
}
