using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests.Imaging
{
    /// <summary>
    /// The files and expected pixels written by test/reference/imaging_reference.py (numpy-derived expectations,
    /// checked there against PIL; resize expectations from torch.nn.functional.interpolate).
    /// </summary>
    internal static class ImagingReference
    {
        private static readonly Lazy<(string Folder, Dictionary<string, (long[] Shape, double[] Values)> Arrays)> data = new(Load);

        /// <summary>The folder holding the generated image files.</summary>
        public static string Folder => data.Value.Folder;

        public static string File(string name) => Path.Combine(Folder, name);

        /// <summary>An expected array as doubles (exact for uint8, int32, float32 and float64 values) and its shape.</summary>
        public static (long[] Shape, double[] Values) Array(string key) =>
            data.Value.Arrays.TryGetValue(key, out var a) ? a : throw new KeyNotFoundException($"imaging.dat has no '{key}'.");

        private static (string, Dictionary<string, (long[], double[])>) Load()
        {
            string folder = PythonReference.Run("imaging_reference.py");
            var arrays = new Dictionary<string, (long[], double[])>();
            using var tensors = new ReferenceTensors(Path.Combine(folder, "imaging.dat"));
            foreach (string key in tensors.Keys)
            {
                var t = tensors[key];
                double[] values = t.dtype switch
                {
                    torch.ScalarType.Byte => t.data<byte>().ToArray().Select(v => (double)v).ToArray(),
                    torch.ScalarType.Int32 => t.data<int>().ToArray().Select(v => (double)v).ToArray(),
                    torch.ScalarType.Float32 => t.data<float>().ToArray().Select(v => (double)v).ToArray(),
                    torch.ScalarType.Float64 => t.data<double>().ToArray(),
                    _ => throw new NotSupportedException(key),
                };
                arrays[key] = (t.shape, values);
            }
            return (folder, arrays);
        }
    }
}
