using System;
using System.Reflection;

namespace Microsoft.ML.Data
{
    /// <summary>Getters that return a fixed value (annotations); vectors are copied so callers may edit their result.</summary>
    internal static class ConstantGetters
    {
        /// <summary>A ValueGetter of <paramref name="rawType"/> returning <paramref name="value"/>.</summary>
        public static Delegate Make(Type rawType, object value)
        {
            if (rawType.IsGenericType && rawType.GetGenericTypeDefinition() == typeof(VBuffer<>))
                return (Delegate)typeof(ConstantGetters).GetMethod(nameof(Vector), BindingFlags.NonPublic | BindingFlags.Static)
                    .MakeGenericMethod(rawType.GetGenericArguments()[0]).Invoke(null, new[] { value });
            return (Delegate)typeof(ConstantGetters).GetMethod(nameof(Scalar), BindingFlags.NonPublic | BindingFlags.Static)
                .MakeGenericMethod(rawType).Invoke(null, new[] { value });
        }

        private static ValueGetter<T> Scalar<T>(object value)
        {
            var typed = (T)value;
            return (ref T dst) => dst = typed;
        }

        private static ValueGetter<VBuffer<T>> Vector<T>(object value)
        {
            var typed = (VBuffer<T>)value;
            return (ref VBuffer<T> dst) => typed.CopyTo(ref dst);
        }
    }
}
