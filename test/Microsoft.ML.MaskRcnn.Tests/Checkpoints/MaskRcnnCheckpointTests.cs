using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// torchvision's full maskrcnn_resnet50_fpn state dict (about 170 MB), written by the reference script for this test
    /// only and deleted afterwards.
    /// </summary>
    [TestClass]
    public class MaskRcnnCheckpointTests
    {
        [TestMethod]
        public void TorchvisionMaskRcnnStateDictIsReadWithEveryKeyShapeAndValue()
        {
            string folder = PythonReference.Run("checkpoint_reference.py", "maskrcnn");
            try
            {
                var listing = File.ReadAllLines(Path.Combine(folder, "maskrcnn_listing.txt")).Select(line => line.Split('\t')).ToArray();
                var watch = Stopwatch.StartNew();
                using var stateDict = PyTorchCheckpoint.ReadStateDict(Path.Combine(folder, "maskrcnn.pth"));
                Console.WriteLine($"Read {stateDict.Count} tensors in {watch.ElapsedMilliseconds} ms.");

                CollectionAssert.AreEqual(listing.Select(f => f[0]).ToArray(), stateDict.Keys.ToArray(), "every key, in torchvision's order");
                long parameters = 0;
                foreach (var fields in listing)
                {
                    var tensor = stateDict[fields[0]];
                    Assert.AreEqual(DtypeOf(fields[1]), tensor.dtype, fields[0]);
                    var shape = fields[2].Length == 0 ? Array.Empty<long>() : fields[2].Split(',').Select(long.Parse).ToArray();
                    CollectionAssert.AreEqual(shape, tensor.shape, fields[0]);
                    using var values = tensor.to_type(ScalarType.Float64);
                    using var sum = values.sum();
                    using var absolute = values.abs();
                    using var absoluteSum = absolute.sum();
                    double expectedSum = double.Parse(fields[3], CultureInfo.InvariantCulture);
                    double expectedAbsolute = double.Parse(fields[4], CultureInfo.InvariantCulture);
                    Assert.AreEqual(expectedAbsolute, absoluteSum.item<double>(), 1e-9 * (1 + expectedAbsolute), $"{fields[0]}: sum of |values|");
                    Assert.AreEqual(expectedSum, sum.item<double>(), 1e-9 * (1 + expectedAbsolute), $"{fields[0]}: sum of values");
                    if (!fields[0].EndsWith(".running_mean", StringComparison.Ordinal) && !fields[0].EndsWith(".running_var", StringComparison.Ordinal) &&
                        tensor.dtype == ScalarType.Float32) parameters += tensor.numel();
                }
                // torchvision documents 44,401,393 parameters for the pretrained model, whose FrozenBatchNorm2d holds its
                // weight and bias as buffers; weights=None builds BatchNorm2d, whose weight and bias are parameters.
                var batchNorms = listing.Select(f => f[0]).Where(k => k.EndsWith(".running_mean", StringComparison.Ordinal))
                                        .Select(k => k[..^".running_mean".Length]).ToHashSet();
                long batchNormAffine = listing.Where(f => batchNorms.Contains(f[0][..f[0].LastIndexOf('.')]) && (f[0].EndsWith(".weight") || f[0].EndsWith(".bias")))
                                              .Sum(f => stateDict[f[0]].numel());
                Assert.AreEqual(44_401_393L, parameters - batchNormAffine, "maskrcnn_resnet50_fpn's parameter count, as torchvision documents it");
                Assert.IsTrue(stateDict.ContainsKey("roi_heads.box_predictor.cls_score.weight"));
                CollectionAssert.AreEqual(new long[] { 91, 1024 }, stateDict["roi_heads.box_predictor.cls_score.weight"].shape);
                CollectionAssert.AreEqual(new long[] { 91, 256, 1, 1 }, stateDict["roi_heads.mask_predictor.mask_fcn_logits.weight"].shape);

                // torchvision's pretrained COCO weights come from the same model with FrozenBatchNorm2d: the same keys and
                // shapes without num_batches_tracked.
                var pretrained = File.ReadAllLines(Path.Combine(folder, "maskrcnn_pretrained_keys.txt")).Select(line => line.Split('\t')).ToArray();
                CollectionAssert.AreEqual(listing.Where(f => !f[0].EndsWith(".num_batches_tracked", StringComparison.Ordinal)).Select(f => f[0] + "\t" + f[2]).ToArray(),
                                          pretrained.Select(f => f[0] + "\t" + f[1]).ToArray());
            }
            finally
            {
                Directory.Delete(folder, recursive: true); // about 170 MB; the next run writes it again
            }
        }

        private static ScalarType DtypeOf(string name) => name switch
        {
            "float32" => ScalarType.Float32,
            "int64" => ScalarType.Int64,
            _ => throw new AssertFailedException($"Unexpected dtype {name} in the listing."),
        };
    }
}
