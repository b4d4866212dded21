using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace TorchSharp.Compat.Tests
{
    internal static class Assertions
    {
        /// <summary>Asserts same shape and element-wise |actual - expected| &lt;= atol + rtol·|expected| (exact for integers).</summary>
        public static void Close(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5, string? what = null)
        {
            string? problem = Compare(expected, actual, atol, rtol);
            if (problem != null) Assert.Fail($"{what}: {problem}");
        }

        public static string? Compare(Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
        {
            if (!expected.shape.SequenceEqual(actual.shape))
                return $"shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]";
            using var scope = NewDisposeScope();
            var e = expected.detach().cpu().to(ScalarType.Float64).flatten().data<double>().ToArray();
            var a = actual.detach().cpu().to(ScalarType.Float64).flatten().data<double>().ToArray();
            for (int i = 0; i < e.Length; i++)
            {
                if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
                if (Math.Abs(a[i] - e[i]) > atol + rtol * Math.Abs(e[i]))
                    return $"element {i} is {a[i]:R}, expected {e[i]:R}";
            }
            return null;
        }

        /// <summary>Runs every case, then fails once listing all mismatches.</summary>
        public static void AllClose(IEnumerable<(string name, Func<Tensor> actual)> cases, Func<string, Tensor> expected, double atol = 1e-5, double rtol = 1e-5)
        {
            var failures = new List<string>();
            int count = 0;
            foreach (var (name, compute) in cases)
            {
                count++;
                using var scope = NewDisposeScope();
                try
                {
                    string? problem = Compare(expected(name), compute(), atol, rtol);
                    if (problem != null) failures.Add($"{name}: {problem}");
                }
                catch (Exception ex)
                {
                    failures.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
                }
            }
            Assert.IsTrue(count > 0, "no cases ran");
            if (failures.Count > 0) Assert.Fail($"{failures.Count} of {count} cases differ from PyTorch:\n" + string.Join("\n", failures));
        }
    }
}
