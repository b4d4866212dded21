using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Microsoft.ML.Runtime
{
    /// <summary>
    /// Argument and state checks that stay on in release builds, and the exceptions they throw (friend-only, as in
    /// ML.NET). Decoding failures are <see cref="FormatException"/>s, schema mismatches
    /// <see cref="ArgumentOutOfRangeException"/>s naming the column.
    /// </summary>
    internal static class Contracts
    {
        private static string Format(string msg, object[] args) =>
            args == null || args.Length == 0 ? msg : string.Format(CultureInfo.InvariantCulture, msg, args);

        public static TException Process<TException>(TException ex, IExceptionContext ectx = null)
            where TException : Exception => ectx != null ? ectx.Process(ex) : ex;

        // Exceptions.
        public static Exception Except(string msg, params object[] args) => new InvalidOperationException(Format(msg, args));

        public static Exception Except(this IExceptionContext ctx, string msg, params object[] args) => Process(Except(msg, args), ctx);

        public static Exception Except(Exception inner, string msg, params object[] args) => new InvalidOperationException(Format(msg, args), inner);

        public static Exception Except(this IExceptionContext ctx, Exception inner, string msg, params object[] args) => Process(Except(inner, msg, args), ctx);

        public static Exception ExceptParam(string paramName, string msg = null, params object[] args) =>
            new ArgumentOutOfRangeException(paramName, msg == null ? null : Format(msg, args));

        public static Exception ExceptParam(this IExceptionContext ctx, string paramName, string msg = null, params object[] args) =>
            Process(ExceptParam(paramName, msg, args), ctx);

        public static Exception ExceptUserArg(string name, string msg = null, params object[] args) =>
            new ArgumentOutOfRangeException(name, msg == null ? null : Format(msg, args));

        public static Exception ExceptUserArg(this IExceptionContext ctx, string name, string msg = null, params object[] args) =>
            Process(ExceptUserArg(name, msg, args), ctx);

        public static Exception ExceptDecode(string msg = null, params object[] args) =>
            new FormatException(msg == null ? "Bad data in the input." : Format(msg, args));

        public static Exception ExceptDecode(this IExceptionContext ctx, string msg = null, params object[] args) =>
            Process(ExceptDecode(msg, args), ctx);

        public static Exception ExceptDecode(Exception inner, string msg, params object[] args) => new FormatException(Format(msg, args), inner);

        public static Exception ExceptDecode(this IExceptionContext ctx, Exception inner, string msg, params object[] args) =>
            Process(ExceptDecode(inner, msg, args), ctx);

        public static Exception ExceptIO(string msg = null, params object[] args) => new IOException(msg == null ? null : Format(msg, args));

        public static Exception ExceptNotSupp(string msg = null, params object[] args) => new NotSupportedException(msg == null ? null : Format(msg, args));

        public static Exception ExceptNotImpl(string msg = null, params object[] args) => new NotImplementedException(msg == null ? null : Format(msg, args));

        public static Exception ExceptSchemaMismatch(string paramName, string columnRole, string columnName, string expectedType = null, string actualType = null) =>
            new ArgumentOutOfRangeException(paramName, actualType == null
                ? $"Could not find {columnRole} column '{columnName}'"
                : $"Schema mismatch for {columnRole} column '{columnName}': expected {expectedType}, got {actualType}");

        public static Exception ExceptSchemaMismatch(this IExceptionContext ctx, string paramName, string columnRole, string columnName,
            string expectedType = null, string actualType = null) =>
            Process(ExceptSchemaMismatch(paramName, columnRole, columnName, expectedType, actualType), ctx);

        // Checks.
        public static void Check(bool f, string msg = null)
        {
            if (!f) throw Except(msg ?? "Invalid operation.");
        }

        public static void Check(this IExceptionContext ctx, bool f, string msg = null)
        {
            if (!f) throw ctx.Except(msg ?? "Invalid operation.");
        }

        public static void CheckValue<T>(T val, string paramName)
            where T : class
        {
            if (val == null) throw new ArgumentNullException(paramName);
        }

        public static void CheckValue<T>(this IExceptionContext ctx, T val, string paramName)
            where T : class
        {
            if (val == null) throw Process(new ArgumentNullException(paramName), ctx);
        }

        public static T CheckRef<T>(T val, string paramName)
            where T : class => val ?? throw new ArgumentNullException(paramName);

        public static T CheckRef<T>(this IExceptionContext ctx, T val, string paramName)
            where T : class => val ?? throw Process(new ArgumentNullException(paramName), ctx);

        public static void CheckValueOrNull<T>(T val)
            where T : class
        {
        }

        public static void CheckValueOrNull<T>(this IExceptionContext ctx, T val)
            where T : class
        {
        }

        public static void CheckParam(bool f, string paramName, string msg = null)
        {
            if (!f) throw ExceptParam(paramName, msg);
        }

        public static void CheckParam(this IExceptionContext ctx, bool f, string paramName, string msg = null)
        {
            if (!f) throw ctx.ExceptParam(paramName, msg);
        }

        public static void CheckUserArg(bool f, string name, string msg = null)
        {
            if (!f) throw ExceptUserArg(name, msg);
        }

        public static void CheckUserArg(this IExceptionContext ctx, bool f, string name, string msg = null)
        {
            if (!f) throw ctx.ExceptUserArg(name, msg);
        }

        public static void CheckNonEmpty(string s, string paramName)
        {
            if (string.IsNullOrEmpty(s)) throw ExceptParam(paramName, "must be non-empty");
        }

        public static void CheckNonEmpty(this IExceptionContext ctx, string s, string paramName)
        {
            if (string.IsNullOrEmpty(s)) throw ctx.ExceptParam(paramName, "must be non-empty");
        }

        public static void CheckNonEmpty<T>(IReadOnlyCollection<T> args, string paramName)
        {
            if (args == null || args.Count == 0) throw ExceptParam(paramName, "must be non-empty");
        }

        public static void CheckNonWhiteSpace(string s, string paramName)
        {
            if (string.IsNullOrWhiteSpace(s)) throw ExceptParam(paramName, "must not be white space");
        }

        public static void CheckNonWhiteSpace(this IExceptionContext ctx, string s, string paramName)
        {
            if (string.IsNullOrWhiteSpace(s)) throw ctx.ExceptParam(paramName, "must not be white space");
        }

        public static void CheckDecode(bool f, string msg = null)
        {
            if (!f) throw ExceptDecode(msg);
        }

        public static void CheckDecode(this IExceptionContext ctx, bool f, string msg = null)
        {
            if (!f) throw ctx.ExceptDecode(msg);
        }

        public static void CheckIO(bool f, string msg = null)
        {
            if (!f) throw ExceptIO(msg);
        }

        public static void CheckIO(this IExceptionContext ctx, bool f, string msg = null)
        {
            if (!f) throw Process(ExceptIO(msg), ctx);
        }

        // Assertions: internal invariants, checked in debug builds only.
        [System.Diagnostics.Conditional("DEBUG")]
        public static void Assert(bool f, string msg = null) => System.Diagnostics.Debug.Assert(f, msg);

        [System.Diagnostics.Conditional("DEBUG")]
        public static void Assert(this IExceptionContext ctx, bool f, string msg = null) => System.Diagnostics.Debug.Assert(f, msg);

        [System.Diagnostics.Conditional("DEBUG")]
        public static void AssertValue<T>(T val)
            where T : class => System.Diagnostics.Debug.Assert(val != null);

        [System.Diagnostics.Conditional("DEBUG")]
        public static void AssertValue<T>(this IExceptionContext ctx, T val)
            where T : class => System.Diagnostics.Debug.Assert(val != null);

        [System.Diagnostics.Conditional("DEBUG")]
        public static void AssertValueOrNull<T>(T val)
            where T : class
        {
        }

        [System.Diagnostics.Conditional("DEBUG")]
        public static void AssertNonEmpty(string s) => System.Diagnostics.Debug.Assert(!string.IsNullOrEmpty(s));
    }
}
