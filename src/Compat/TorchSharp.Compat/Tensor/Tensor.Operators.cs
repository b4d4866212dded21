using static TorchSharp.Native.NativeMethods;

namespace TorchSharp
{
    public static partial class torch
    {
        public partial class Tensor
        {
            private Tensor ScalarMinusThis(Scalar left) => Wrap(tsb_rsub_scalar(Handle, left.Native));
            private Tensor ScalarOverThis(Scalar left) => Wrap(tsb_rdiv_scalar(Handle, left.Native));

            public static Tensor operator +(Tensor left, Tensor right) => left.add(right);
            public static Tensor operator +(Tensor left, Scalar right) => left.add(right);
            public static Tensor operator +(Scalar left, Tensor right) => right.add(left);
            public static Tensor operator +(Tensor left, int right) => left.add(right);
            public static Tensor operator +(Tensor left, long right) => left.add(right);
            public static Tensor operator +(Tensor left, float right) => left.add(right);
            public static Tensor operator +(Tensor left, double right) => left.add(right);
            public static Tensor operator +(int left, Tensor right) => right.add(left);
            public static Tensor operator +(long left, Tensor right) => right.add(left);
            public static Tensor operator +(float left, Tensor right) => right.add(left);
            public static Tensor operator +(double left, Tensor right) => right.add(left);

            public static Tensor operator -(Tensor left, Tensor right) => left.sub(right);
            public static Tensor operator -(Tensor left, Scalar right) => left.sub(right);
            public static Tensor operator -(Scalar left, Tensor right) => right.ScalarMinusThis(left);
            public static Tensor operator -(Tensor left, int right) => left.sub(right);
            public static Tensor operator -(Tensor left, long right) => left.sub(right);
            public static Tensor operator -(Tensor left, float right) => left.sub(right);
            public static Tensor operator -(Tensor left, double right) => left.sub(right);
            public static Tensor operator -(int left, Tensor right) => right.ScalarMinusThis(left);
            public static Tensor operator -(long left, Tensor right) => right.ScalarMinusThis(left);
            public static Tensor operator -(float left, Tensor right) => right.ScalarMinusThis(left);
            public static Tensor operator -(double left, Tensor right) => right.ScalarMinusThis(left);
            public static Tensor operator -(Tensor tensor) => tensor.neg();

            public static Tensor operator *(Tensor left, Tensor right) => left.mul(right);
            public static Tensor operator *(Tensor left, Scalar right) => left.mul(right);
            public static Tensor operator *(Scalar left, Tensor right) => right.mul(left);
            public static Tensor operator *(Tensor left, int right) => left.mul(right);
            public static Tensor operator *(Tensor left, long right) => left.mul(right);
            public static Tensor operator *(Tensor left, float right) => left.mul(right);
            public static Tensor operator *(Tensor left, double right) => left.mul(right);
            public static Tensor operator *(int left, Tensor right) => right.mul(left);
            public static Tensor operator *(long left, Tensor right) => right.mul(left);
            public static Tensor operator *(float left, Tensor right) => right.mul(left);
            public static Tensor operator *(double left, Tensor right) => right.mul(left);

            public static Tensor operator /(Tensor left, Tensor right) => left.div(right);
            public static Tensor operator /(Tensor left, Scalar right) => left.div(right);
            public static Tensor operator /(Scalar left, Tensor right) => right.ScalarOverThis(left);
            public static Tensor operator /(Tensor left, int right) => left.div(right);
            public static Tensor operator /(Tensor left, long right) => left.div(right);
            public static Tensor operator /(Tensor left, float right) => left.div(right);
            public static Tensor operator /(Tensor left, double right) => left.div(right);
            public static Tensor operator /(int left, Tensor right) => right.ScalarOverThis(left);
            public static Tensor operator /(long left, Tensor right) => right.ScalarOverThis(left);
            public static Tensor operator /(float left, Tensor right) => right.ScalarOverThis(left);
            public static Tensor operator /(double left, Tensor right) => right.ScalarOverThis(left);

            public static Tensor operator %(Tensor left, Tensor right) => left.remainder(right);
            public static Tensor operator %(Tensor left, Scalar right) => left.remainder(right);
            public static Tensor operator %(Tensor left, int right) => left.remainder(right);
            public static Tensor operator %(Tensor left, long right) => left.remainder(right);
            public static Tensor operator %(Tensor left, float right) => left.remainder(right);
            public static Tensor operator %(Tensor left, double right) => left.remainder(right);

            public static Tensor operator &(Tensor left, Tensor right) => left.bitwise_and(right);
            public static Tensor operator |(Tensor left, Tensor right) => left.bitwise_or(right);
            public static Tensor operator ^(Tensor left, Tensor right) => left.bitwise_xor(right);
            public static Tensor operator ~(Tensor left) => left.bitwise_not();

            public static Tensor operator ==(Tensor left, Tensor right) => left.eq(right);
            public static Tensor operator ==(Tensor left, Scalar right) => left.eq(right);
            public static Tensor operator ==(Scalar left, Tensor right) => right.eq(left);
            public static Tensor operator !=(Tensor left, Tensor right) => left.ne(right);
            public static Tensor operator !=(Tensor left, Scalar right) => left.ne(right);
            public static Tensor operator !=(Scalar left, Tensor right) => right.ne(left);
            public static Tensor operator <(Tensor left, Tensor right) => left.lt(right);
            public static Tensor operator <(Tensor left, Scalar right) => left.lt(right);
            public static Tensor operator <(Scalar left, Tensor right) => right.gt(left);
            public static Tensor operator <=(Tensor left, Tensor right) => left.le(right);
            public static Tensor operator <=(Tensor left, Scalar right) => left.le(right);
            public static Tensor operator <=(Scalar left, Tensor right) => right.ge(left);
            public static Tensor operator >(Tensor left, Tensor right) => left.gt(right);
            public static Tensor operator >(Tensor left, Scalar right) => left.gt(right);
            public static Tensor operator >(Scalar left, Tensor right) => right.lt(left);
            public static Tensor operator >=(Tensor left, Tensor right) => left.ge(right);
            public static Tensor operator >=(Tensor left, Scalar right) => left.ge(right);
            public static Tensor operator >=(Scalar left, Tensor right) => right.le(left);
        }
    }
}
