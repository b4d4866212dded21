using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharp.Compat.Tests
{
    [TestClass]
    public class TrainingTests
    {
        /// <summary>Images with one bright 3x3 square; the label says in which quadrant it is.</summary>
        internal static (Tensor images, Tensor labels) QuadrantTask(int count, Generator generator)
        {
            using var scope = NewDisposeScope();
            var images = torch.randn(new long[] { count, 1, 12, 12 }, generator: generator) * 0.3;
            var rows = torch.randint(0, 10, new long[] { count }, generator: generator).data<long>().ToArray();
            var columns = torch.randint(0, 10, new long[] { count }, generator: generator).data<long>().ToArray();
            var labels = new long[count];
            for (int i = 0; i < count; i++)
            {
                images[i, 0, TensorIndex.Slice(rows[i], rows[i] + 3), TensorIndex.Slice(columns[i], columns[i] + 3)] += 2.0f;
                labels[i] = (rows[i] + 1 >= 6 ? 2 : 0) + (columns[i] + 1 >= 6 ? 1 : 0);
            }
            return (images.MoveToOuterDisposeScope(), torch.tensor(labels).MoveToOuterDisposeScope());
        }

        internal static Sequential SmallClassifier() => nn.Sequential(
            nn.Conv2d(1, 8, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 3 * 3, 4));

        [TestMethod]
        public void SmallCnnLearnsASyntheticTaskWellBelowChance()
        {
            torch.manual_seed(5);
            using var generator = new Generator(5);
            var (images, labels) = QuadrantTask(256, generator);
            var (testImages, testLabels) = QuadrantTask(128, generator);
            using var model = SmallClassifier();
            using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
            var scheduler = optim.lr_scheduler.MultiStepLR(optimizer, new[] { 20 }, 0.3);
            var losses = new List<float>();
            for (int epoch = 0; epoch < 25; epoch++)
            {
                using var permutation = torch.randperm(256, generator: generator);
                for (int start = 0; start < 256; start += 32)
                {
                    using var scope = NewDisposeScope();
                    var batch = permutation.narrow(0, start, 32);
                    optimizer.zero_grad();
                    var loss = F.cross_entropy(model.call(images.index_select(0, batch)), labels.index_select(0, batch));
                    loss.backward();
                    optimizer.step();
                    losses.Add(loss.item<float>());
                }
                scheduler.step();
            }
            model.eval();
            double accuracy;
            using (no_grad())
            using (var scope = NewDisposeScope())
                accuracy = model.call(testImages).argmax(1).eq(testLabels).to(ScalarType.Float32).mean().item<float>();

            // Chance is ln 4 = 1.386 for the loss and 0.25 for the accuracy.
            double lastEpoch = losses.Skip(losses.Count - 8).Average();
            Assert.IsTrue(losses.Take(8).Average() > 1.0, $"the first epoch should be near chance, was {losses.Take(8).Average()}");
            Assert.IsTrue(lastEpoch < 0.15, $"mean training loss of the last epoch was {lastEpoch}");
            Assert.IsTrue(accuracy > 0.9, $"held-out accuracy was {accuracy}");
            images.Dispose(); labels.Dispose(); testImages.Dispose(); testLabels.Dispose();
        }
    }
}
