using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.MaskRcnn.Benchmarks
{
    /// <summary>
    /// libgomp's wait policy for the training suites. libtorch (Debian's, OpenMP backend) lets its idle OpenMP threads spin
    /// between parallel regions; on 2 cores they then compete with OpenBLAS's own threads and with our data-loading thread,
    /// and whole stretches of training steps run 10-40 times slower (measured: 80 steps of the embedded recipe took 75 s
    /// spinning, 20 s passive). libgomp reads OMP_WAIT_POLICY once, when libtorch is loaded, so it is set natively before
    /// any tensor exists, and in the managed environment so that the Python reference inherits the same value.
    /// An explicit OMP_WAIT_POLICY in the environment is kept.
    /// </summary>
    public static class OpenMpWaitPolicy
    {
        [DllImport("libc", EntryPoint = "setenv")]
        private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        /// <summary>Sets OMP_WAIT_POLICY=PASSIVE unless the environment already names a policy; returns the policy in force.</summary>
        public static string UsePassiveUnlessSet()
        {
            string? current = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
            if (!string.IsNullOrEmpty(current)) return current;
            if (SetEnv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) throw new InvalidOperationException("setenv(OMP_WAIT_POLICY) failed.");
            Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
            return "PASSIVE";
        }
    }
}
