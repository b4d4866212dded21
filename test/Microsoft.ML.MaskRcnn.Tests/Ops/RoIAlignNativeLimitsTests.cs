using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.MaskRcnn.Ops;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Ops
{
    /// <summary>
    /// The RoIAlign findings of the native fuzz campaign (docs/reliability.md), through the product's own P/Invoke into the
    /// Release libMaskRcnnOps.so: arguments that used to overflow, read past a buffer or run for hours are refused at once
    /// with MRO_INVALID_ARGUMENT and a message naming the argument.
    /// </summary>
    [TestClass]
    public class RoIAlignNativeLimitsTests
    {
        private const int InvalidArgument = -2;

        [TestInitialize]
        public void RequireLibrary()
        {
            if (!OpsNative.IsAvailable) Assert.Fail("libMaskRcnnOps.so is not loadable: " + OpsNative.UnavailableReason);
        }

        // Finding 1: N*C*H*W (2^80 here) was formed before any check (signed overflow, undefined behaviour).
        [TestMethod]
        public void SizesWhoseProductOverflowsAreRefused()
        {
            float[] one = { 0f }, box = { 0, 0, 0, 1, 1 };
            long big = 1L << 40;
            AssertRefused(Forward(one, big, big, 1, 1, box, 1, 1.0, 1, 1, 0, false, one), "fit in 64 bits");
            AssertRefused(Backward(one, box, big, 1.0, big, 1, 0, false, 1, 1, 1, 1, one), "fit in 64 bits");
            // Zero elements but an unrepresentable partial product: still refused, never multiplied out.
            AssertRefused(Forward(one, 0, 1, big, big, box, 0, 1.0, 1, 1, 0, false, one), "H*W");
        }

        // Finding 2: one box, sampling_ratio 100,000 on a 9x9 output: 8.1e11 samples, hours of work. And an adaptive grid
        // on a box with huge coordinates. Both must be refused before any sampling, so the call returns at once.
        [TestMethod]
        public void UnboundedWorkIsRefusedAtOnce()
        {
            float[] map = new float[4 * 4], output = new float[81];
            var watch = Stopwatch.StartNew();
            AssertRefused(Forward(map, 1, 1, 4, 4, new float[] { 0, 0, 0, 3, 3 }, 1, 1.0, 9, 9, 100_000, false, output), "sampling_ratio");
            AssertRefused(Forward(map, 1, 1, 4, 4, new float[] { 0, -1e30f, -1e30f, 1e30f, 1e30f }, 1, 1.0, 9, 9, 0, true, output), "sampling_ratio");
            AssertRefused(Backward(output, new float[] { 0, 0, 0, 3, 3 }, 1, 1.0, 9, 9, 100_000, false, 1, 1, 4, 4, map), "sampling_ratio");
            Assert.IsLessThan(1000, watch.ElapsedMilliseconds, "refusals must not sample");
            // The limits leave ordinary work alone: the same box with sampling_ratio 2.
            Assert.AreEqual(0, Forward(map, 1, 1, 4, 4, new float[] { 0, 0, 0, 3, 3 }, 1, 1.0, 9, 9, 2, false, output));
        }

        // Finding 3: sampling_ratio near 2^63 overflowed grid_h * grid_w (signed overflow).
        [TestMethod]
        public void AnInt64SamplingRatioIsRefused()
        {
            float[] map = new float[4], output = new float[1];
            AssertRefused(Forward(map, 1, 1, 2, 2, new float[] { 0, 0, 0, 1, 1 }, 1, 1.0, 1, 1, long.MaxValue - 250, false, output), "samples");
        }

        private static void AssertRefused(int status, string messagePart)
        {
            Assert.AreEqual(InvalidArgument, status);
            var e = Assert.ThrowsExactly<ArgumentException>(() => OpsNative.Check(status, "x"));
            StringAssert.Contains(e.Message, messagePart);
        }

        private static int Forward(float[] input, long n, long c, long h, long w, float[] rois, long k, double scale, long ph, long pw,
                                   long ratio, bool aligned, float[] output)
        {
            var handles = new[] { GCHandle.Alloc(input, GCHandleType.Pinned), GCHandle.Alloc(rois, GCHandleType.Pinned), GCHandle.Alloc(output, GCHandleType.Pinned) };
            try
            {
                return OpsNative.mro_roi_align_forward_f32(handles[0].AddrOfPinnedObject(), n, c, h, w, handles[1].AddrOfPinnedObject(), k, scale, ph, pw,
                                                           ratio, aligned, handles[2].AddrOfPinnedObject(), 2);
            }
            finally { foreach (var handle in handles) handle.Free(); }
        }

        private static int Backward(float[] grad, float[] rois, long k, double scale, long ph, long pw, long ratio, bool aligned, long n, long c,
                                    long h, long w, float[] gradInput)
        {
            var handles = new[] { GCHandle.Alloc(grad, GCHandleType.Pinned), GCHandle.Alloc(rois, GCHandleType.Pinned), GCHandle.Alloc(gradInput, GCHandleType.Pinned) };
            try
            {
                return OpsNative.mro_roi_align_backward_f32(handles[0].AddrOfPinnedObject(), handles[1].AddrOfPinnedObject(), k, scale, ph, pw, ratio,
                                                            aligned, n, c, h, w, handles[2].AddrOfPinnedObject(), 2);
            }
            finally { foreach (var handle in handles) handle.Free(); }
        }
    }
}
