using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// How libtorch's idle OpenMP threads wait for work. By default (libgomp's "active" policy) they spin between parallel
    /// regions. While training, the data-loading thread needs a core too, and on a machine with few cores the spinning
    /// threads take it: with the embedded-shapes recipe on 2 cores, 300 steps took 94 s spinning and 58 s with passive
    /// waiting (docs/usage.md). Inference has no such competitor and is 5-7% faster spinning, so the product leaves the
    /// choice to the application: call <see cref="UsePassiveUnlessSet"/> first thing in a program that trains.
    /// </summary>
    public static class OpenMpWaitPolicy
    {
        private const string Variable = "OMP_WAIT_POLICY";

        // Pointers, not strings: the assembly disables runtime marshalling.
        [DllImport("libc", EntryPoint = "setenv")]
        private static extern unsafe int SetEnv(byte* name, byte* value, int overwrite);

        /// <summary>
        /// Makes idle OpenMP threads sleep instead of spinning (OMP_WAIT_POLICY=PASSIVE), unless the environment already
        /// names a policy, which is kept. libgomp reads the variable once, when libtorch is loaded by the first tensor
        /// operation, so this must run before any tensor exists.
        /// </summary>
        /// <returns>The policy in force: "PASSIVE", or the environment's own value.</returns>
        /// <exception cref="InvalidOperationException">OpenMP has already started, so a new policy would not take effect.</exception>
        public static string UsePassiveUnlessSet()
        {
            string? current = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrEmpty(current)) return current;
            if (OpenMpLoaded())
                throw new InvalidOperationException(
                    $"OpenMP has already started (a tensor operation ran), so the wait policy can no longer change: call {nameof(OpenMpWaitPolicy)}.{nameof(UsePassiveUnlessSet)} before any tensor is created, or set {Variable} in the environment.");
            int status;
            unsafe
            {
                fixed (byte* name = "OMP_WAIT_POLICY\0"u8)
                fixed (byte* value = "PASSIVE\0"u8)
                    status = SetEnv(name, value, 1);
            }
            if (status != 0) throw new InvalidOperationException($"setenv({Variable}) failed.");
            // The managed copy too, so that child processes (a Python reference, say) inherit the same policy.
            Environment.SetEnvironmentVariable(Variable, "PASSIVE");
            return "PASSIVE";
        }

        // libgomp is mapped into the process once libtorch has been loaded.
        private static bool OpenMpLoaded()
        {
            const string maps = "/proc/self/maps";
            return File.Exists(maps) && File.ReadAllText(maps).Contains("libgomp", StringComparison.Ordinal);
        }
    }
}
