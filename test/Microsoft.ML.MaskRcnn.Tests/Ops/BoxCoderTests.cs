using System;
using System.Linq;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class BoxCoderTests
    {
        [TestMethod]
        public void EncodeAndDecodeMatchTorchvision()
        {
            foreach (var (name, weights) in new[] { ("rcnn", (10.0, 10.0, 5.0, 5.0)), ("rpn", (1.0, 1.0, 1.0, 1.0)) })
            {
                using var scope = NewDisposeScope();
                var coder = new BoxCoder(weights);
                Tensor proposals = In("coder/proposals"), gt = In("coder/gt"), codes = In($"coder/{name}/codes");
                TensorAssert.Close(Out($"coder/{name}/encoded"), coder.encode_single(gt, proposals), 1e-6, name + " encode");
                var decoded = coder.decode(codes, new[] { proposals.narrow(0, 0, 20), proposals.narrow(0, 20, 30) });
                TensorAssert.Close(Out($"coder/{name}/decoded"), decoded, 1e-3, name + " decode");
                TensorAssert.Close(Out($"coder/{name}/decoded_single"), coder.decode_single(codes, proposals), 1e-3, name + " decode_single");
            }
        }

        [TestMethod]
        public void DecodingAnEncodingGivesTheBoxesBack()
        {
            using var scope = NewDisposeScope();
            var coder = new BoxCoder((10, 10, 5, 5));
            Tensor proposals = In("coder/proposals").to(ScalarType.Float64), gt = In("coder/gt").to(ScalarType.Float64);
            var targets = coder.encode(new[] { gt.narrow(0, 0, 10), gt.narrow(0, 10, 40) }, new[] { proposals.narrow(0, 0, 10), proposals.narrow(0, 10, 40) });
            CollectionAssert.AreEqual(new long[] { 10, 40 }, targets.Select(t => t.shape[0]).ToArray());
            var back = coder.decode_single(torch.cat(targets, 0), proposals);
            TensorAssert.Close(gt, back, 1e-9, "round trip");
        }

        [TestMethod]
        public void LargeWidthAndHeightOffsetsAreClampedToLog1000Over16()
        {
            using var scope = NewDisposeScope();
            Assert.AreEqual(Math.Log(1000.0 / 16), BoxCoder.DefaultBoxTransformClip);
            var coder = new BoxCoder((1, 1, 1, 1));
            var reference = torch.tensor(new double[] { 0, 0, 10, 20 }, new long[] { 1, 4 });
            var decoded = coder.decode_single(torch.tensor(new double[] { 0, 0, 100, -1 }, new long[] { 1, 4 }), reference);
            // Width 10 * 1000 / 16 = 625 around the centre 5; height 20 * e^-1 (negative offsets are not clamped).
            double h = 20 * Math.Exp(-1);
            var expected = new[] { 5 - 312.5, 10 - h / 2, 5 + 312.5, 10 + h / 2 };
            var actual = decoded.data<double>().ToArray();
            for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], actual[i], 1e-9);
        }

        [TestMethod]
        public void WrongArgumentsAreNamed()
        {
            using var scope = NewDisposeScope();
            var coder = new BoxCoder((1, 1, 1, 1));
            NmsTests.AssertArgument("proposals", () => coder.encode_single(torch.rand(3, 4), torch.rand(2, 4)));
            NmsTests.AssertArgument("rel_codes", () => coder.decode_single(torch.rand(3, 6), torch.rand(3, 4)));
            NmsTests.AssertArgument("weights", () => new BoxCoder((1, 0, 1, 1)));
        }
    }
}
