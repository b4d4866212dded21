using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>
    /// The trainer's own loop (batching, augmentation, schedule, optimizer, loss reports) over a long run: once warm, a
    /// step leaves no tensor handle and no native memory behind. The model alone is covered by ModelMemoryTests.
    /// </summary>
    [TestClass]
    public class TrainerMemoryTests
    {
        // Measured on 200 steps: the heap grows for about 70 steps (libtorch's per-shape caches meet new RoI counts) and
        // is flat from there; handles settle once the set-up's garbage is finalized.
        private const int WarmupSteps = 80;
        private const int MeasuredSteps = 80;
        private const long AllowedMedianGrowthBytes = 4096;
        private const long AllowedTotalGrowthBytes = 8L << 20;

        [TestMethod]
        public void ALongRunReleasesWhatEachStepAllocates()
        {
            var handles = new List<long>();
            var heap = new List<long>();
            var trainer = new MaskRcnnTrainer(TrainingTestData.TinyOptions(WarmupSteps + MeasuredSteps));
            trainer.StepCompleted += (_, e) =>
            {
                if (e.Step < WarmupSteps) return;
                // Handles before, the heap after a collection: TorchSharp frees some per-call allocations only in
                // finalizers (NativeHeap), and an undisposed tensor must not hide in the finalizer queue.
                handles.Add(Tensor.TotalCount);
                heap.Add(NativeHeap.BytesInUseAfterCollection());
            };
            using var model = trainer.Train(new SyntheticShapesDataset(8, 21, TrainingTestData.TinyImages)).Model;

            Assert.AreEqual(MeasuredSteps + 1, handles.Count);
            long median = NativeHeap.MedianGrowth(heap), most = heap.Max() - heap[0];
            Console.WriteLine($"handles {handles[0]}..{handles.Max()}, heap in use {heap[0]} -> {heap[^1]} (max {heap.Max()}), median growth {median} bytes per step");
            Assert.AreEqual(handles[0], handles.Max(), "a training step left tensor handles behind");
            Assert.IsTrue(median < AllowedMedianGrowthBytes, $"native memory in use grows by {median} bytes per step (median)");
            Assert.IsTrue(most < AllowedTotalGrowthBytes, $"native memory in use grew by up to {most / 1024} KiB over {MeasuredSteps} steps");
        }
    }
}
