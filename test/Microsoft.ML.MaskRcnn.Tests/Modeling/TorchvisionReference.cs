using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.TestUtilities;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Modeling
{
    /// <summary>The outputs of test/reference/maskrcnn_reference.py (a seeded torchvision Mask R-CNN, ResNet-18-FPN, 320/512).</summary>
    internal static class TorchvisionReference
    {
        private static ReferenceTensors? weights;
        private static ReferenceTensors? io;

        private static string Folder => PythonReference.Run("maskrcnn_reference.py", "18", "320", "512");

        public static ReferenceTensors Weights => weights ??= new ReferenceTensors(Path.Combine(Folder, "weights.dat"));

        public static ReferenceTensors IO => io ??= new ReferenceTensors(Path.Combine(Folder, "io.dat"));

        /// <summary>The weights under <paramref name="prefix"/>, with the prefix removed (for loading one component).</summary>
        public static Dictionary<string, Tensor> WeightsUnder(string prefix) =>
            Weights.Keys.Where(k => k.StartsWith(prefix, System.StringComparison.Ordinal))
                        .ToDictionary(k => k.Substring(prefix.Length), k => Weights[k]);
    }
}
