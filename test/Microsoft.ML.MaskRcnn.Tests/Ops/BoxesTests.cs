using System;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static Microsoft.ML.MaskRcnn.Ops.DetectionOps;
using static Microsoft.ML.MaskRcnn.Tests.Ops.OpsReference;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    [TestClass]
    public class BoxesTests
    {
        [TestMethod]
        public void BoxUtilitiesMatchTorchvision()
        {
            using var scope = NewDisposeScope();
            Tensor b1 = In("boxes/b1"), b2 = In("boxes/b2");
            TensorAssert.Close(Out("boxes/area"), box_area(b1), 0, "box_area");
            TensorAssert.Close(Out("boxes/iou"), box_iou(b1, b2), 0, "box_iou");
            TensorAssert.Close(Out("boxes/iou_empty"), box_iou(b1.narrow(0, 0, 0), b2), 0, "box_iou with no boxes");
            TensorAssert.Close(Out("boxes/clipped"), clip_boxes_to_image(In("boxes/to_clip"), (30, 45)), 0, "clip_boxes_to_image");
            TensorAssert.SameIndices(Out("boxes/keep_small"), remove_small_boxes(In("boxes/small"), 2.5), "remove_small_boxes");
            foreach (var fin in Enum.GetValues<BoxFormat>())
                foreach (var fout in Enum.GetValues<BoxFormat>())
                    TensorAssert.Close(Out($"boxes/convert_{fin}_{fout}"), box_convert(b1, fin, fout), 1e-5, $"box_convert {fin} -> {fout}");
        }

        [TestMethod]
        public void BoxUtilitiesFollowTheirDefinitionsOnHandCases()
        {
            using var scope = NewDisposeScope();
            var a = torch.tensor(new double[] { 0, 0, 10, 10, 5, 5, 15, 25, 3, 3, 3, 8 }, new long[] { 3, 4 });
            CollectionAssert.AreEqual(new double[] { 100, 200, 0 }, box_area(a).data<double>().ToArray());
            var iou = box_iou(a, a);
            Assert.AreEqual(25.0 / 275.0, iou[0, 1].item<double>(), 1e-15);
            Assert.AreEqual(1.0, iou[1, 1].item<double>());
            Assert.AreEqual(0.0, iou[0, 2].item<double>(), "a zero-area box overlaps nothing");
            Assert.IsTrue(double.IsNaN(iou[2, 2].item<double>()), "two zero-area boxes: 0 / 0, as torchvision");
            var clipped = clip_boxes_to_image(torch.tensor(new float[] { -5, 2, 50, 70 }, new long[] { 1, 4 }), (40, 30));
            CollectionAssert.AreEqual(new float[] { 0, 2, 30, 40 }, clipped.data<float>().ToArray());
            var cxcywh = box_convert(a, BoxFormat.xyxy, BoxFormat.cxcywh);
            CollectionAssert.AreEqual(new double[] { 5, 5, 10, 10 }, cxcywh[0].data<double>().ToArray());
            TensorAssert.Close(a, box_convert(box_convert(a, BoxFormat.xyxy, BoxFormat.xywh), BoxFormat.xywh, BoxFormat.xyxy), 0, "round trip");
            CollectionAssert.AreEqual(new long[] { 0, 1 }, TensorAssert.Longs(remove_small_boxes(a, 10)));
            CollectionAssert.AreEqual(new long[] { 0 }, remove_small_boxes(torch.zeros(0, 4), 1).shape);
        }

        [TestMethod]
        public void WrongShapesAreNamed()
        {
            using var scope = NewDisposeScope();
            NmsTests.AssertArgument("boxes", () => box_area(torch.rand(3, 5)));
            NmsTests.AssertArgument("boxes2", () => box_iou(torch.rand(3, 4), torch.rand(4)));
            NmsTests.AssertArgument("boxes", () => clip_boxes_to_image(torch.rand(3, 3), (10, 10)));
            NmsTests.AssertArgument("boxes", () => remove_small_boxes(torch.rand(2, 4, 4), 1));
            NmsTests.AssertArgument("boxes", () => box_convert(torch.rand(3, 2), BoxFormat.xyxy, BoxFormat.xywh));
        }
    }
}
