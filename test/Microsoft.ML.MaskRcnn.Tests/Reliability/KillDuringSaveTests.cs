using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.MaskRcnn.Tests.MLNet;
using Microsoft.ML.MaskRcnn.Tests.Training;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.Reliability
{
    /// <summary>
    /// Issue 17, item 4: a process SIGKILLed at random moments while it saves a model zip (SaveAtomically) or writes
    /// training checkpoints. Each trial starts the fault child, lets it begin a write, waits a random time drawn from a
    /// seeded generator (seed and delays are printed), kills it, and checks what is on disk: it loads, and it is a version
    /// the child wrote completely. MASKRCNN_FAULT_TRIALS sets the number of trials (default <see cref="DefaultTrials"/>, for CI
    /// time; docs/reliability.md has the 100-trial campaigns).
    /// </summary>
    [TestClass]
    public sealed class KillDuringSaveTests
    {
        private const int DefaultTrials = 10;
        private const int Steps = 4;
        private const int Seed = 17;

        private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("MASKRCNN_FAULT_TRIALS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : DefaultTrials;

        [TestMethod]
        public void AModelSaveKilledAtARandomMomentLeavesALoadableCompleteVersion()
        {
            string folder = TrainingTestData.TemporaryFolder();
            string source = Path.Combine(folder, "source.zip"), target = Path.Combine(folder, "model.zip");
            var ml = new MLContext(seed: 1);
            var data = MLNetTestData.Create(2, seed: 8);
            var rows = ml.Data.LoadFromEnumerable(data.Rows);
            var options = new MaskRcnnEstimator.Options { Trainer = FaultTrialSetup.Trainer(1, null), ScoreThreshold = 0 };
            var reference = new Dictionary<string, TorchSharp.torch.Tensor>();
            using (var trained = ml.Transforms.LoadImages("Image", data.Folder, nameof(TextLabelRow.ImagePath)).Append(ml.Transforms.DetectInstances(options)).Fit(rows))
            {
                ml.Model.SaveAtomically(trained, rows.Schema, source);
                foreach (var (name, value) in trained.LastTransformer.Model.Model.state_dict()) reference[name] = value.clone();
            }
            File.Copy(source, target);
            double previous;

            // How long one save takes, so that the kills spread over a whole save.
            TimeSpan saveTime;
            using (var child = new FaultChildProcess("model", source, target, "0"))
            {
                var started = child.WaitFor(l => l == "saving 2", "its second save");
                saveTime = child.WaitFor(l => l == "saved 2", "its second save's end") - started;
            }
            // The version the calibration left (save 2, or a later one completed before it was killed).
            using (var calibrated = ml.Model.Load(target, out _) as IDisposable)
                previous = ((MaskRcnnTransformer)((IEnumerable<ITransformer>)calibrated!).Last()).ScoreThreshold;
            var random = new Random(Seed);
            int midWrite = 0;
            var log = new List<string>();
            for (int trial = 0; trial < Trials; trial++)
            {
                int save = random.Next(1, 3);
                double delay = random.NextDouble() * saveTime.TotalMilliseconds;
                int lastStarted, first = 10 * (trial + 1);
                using (var child = new FaultChildProcess("model", source, target, first.ToString(CultureInfo.InvariantCulture)))
                {
                    child.WaitFor(l => l == $"saving {save}", $"save {save}");
                    System.Threading.Thread.Sleep(TimeSpan.FromMilliseconds(delay));
                    child.Kill();
                    lastStarted = child.All().Where(l => l.StartsWith("saving ", StringComparison.Ordinal))
                        .Select(l => int.Parse(l[7..], CultureInfo.InvariantCulture)).Max();
                }
                bool partial = File.Exists(target + ".partial");
                if (partial) midWrite++;
                ITransformer loaded;
                try
                {
                    loaded = ml.Model.Load(target, out _);
                }
                catch (Exception e)
                {
                    throw new AssertFailedException($"trial {trial} (seed {Seed}, save {save}, delay {delay:F0} ms): the model on disk does not load: {e}");
                }
                using (loaded as IDisposable)
                {
                    var detector = (MaskRcnnTransformer)((IEnumerable<ITransformer>)loaded).Last();
                    double threshold = detector.ScoreThreshold;
                    // Complete versions: the one before this child, or one of the saves it started (the last may have been
                    // renamed into place just before the kill).
                    bool complete = threshold == previous || Enumerable.Range(1, lastStarted).Any(i => threshold == (first + i) / 100_000.0);
                    Assert.IsTrue(complete, $"trial {trial}: threshold {threshold} is no version written (previous {previous}, saves started {lastStarted})");
                    var differing = Differing(reference, detector.Model.Model.state_dict());
                    Assert.AreEqual(0, differing.Count, $"trial {trial}: weights differ: {string.Join(", ", differing.Take(5))}");
                    string version = threshold == previous ? "the previous version" : $"save {Math.Round(threshold * 100_000) - first}";
                    log.Add($"{trial}: save {save} +{delay:F0} ms -> {version}{(partial ? " (killed mid-write)" : "")}");
                    previous = threshold;
                }
            }
            Console.WriteLine($"seed {Seed}, {Trials} trials, save time {saveTime.TotalMilliseconds:F0} ms, {midWrite} kills left a partial file:");
            Console.WriteLine(string.Join("\n", log));
            Assert.IsTrue(Trials < 10 || midWrite >= Trials / 4, $"only {midWrite} of {Trials} kills landed during a write: the trials test little");

            // A save that fails (here: of a disposed model) leaves the previous file as it was and no partial file.
            byte[] before = File.ReadAllBytes(target);
            var disposed = ml.Model.Load(source, out var schema);
            ((IDisposable)disposed).Dispose();
            Assert.ThrowsExactly<ObjectDisposedException>(() => ml.Model.SaveAtomically(disposed, schema, target));
            CollectionAssert.AreEqual(before, File.ReadAllBytes(target));
            Assert.IsFalse(File.Exists(target + ".partial"));
            foreach (var tensor in reference.Values) tensor.Dispose();
            Directory.Delete(folder, recursive: true);
        }

        [TestMethod]
        public void ACheckpointWriteKilledAtARandomMomentLeavesACompleteCheckpointFromWhichTheRunEndsAsAnUninterruptedOne()
        {
            string folder = TrainingTestData.TemporaryFolder();
            // The uninterrupted run, every checkpoint it writes kept as step-S-E-B.zip (step, epoch and batch to come next).
            string referenceFolder = Path.Combine(folder, "reference");
            var trainer = new MaskRcnnTrainer(FaultTrialSetup.Trainer(Steps, referenceFolder));
            var written = new SortedSet<int>();
            trainer.Message += (_, m) =>
            {
                if (!m.StartsWith("Checkpoint at step ", StringComparison.Ordinal)) return;
                // The end of training writes the last step's checkpoint a second time, at the next epoch's start: the
                // same state under another position, either of which a kill may leave.
                string latest = Path.Combine(referenceFolder, MaskRcnnTrainer.CheckpointFileName);
                File.Copy(latest, Path.Combine(referenceFolder, ReferenceName(TrainingCheckpoint.Read(latest))), overwrite: true);
                written.Add(int.Parse(m.Split(' ')[3], CultureInfo.InvariantCulture));
            };
            using var uninterrupted = trainer.Train(FaultTrialSetup.Data()).Model;
            CollectionAssert.AreEqual(Enumerable.Range(1, Steps).ToArray(), written.ToArray());
            var final = uninterrupted.Model.state_dict();

            // How long a checkpoint write takes (from the step's end to the checkpoint's announcement), so that the kills
            // spread over a whole write and a little after it.
            TimeSpan write;
            using (var child = new FaultChildProcess("checkpoints", Path.Combine(folder, "calibration"), Steps.ToString(CultureInfo.InvariantCulture)))
            {
                var stepEnd = child.WaitFor(l => l == "step 2", "its second step");
                write = child.WaitFor(l => l == "checkpoint 2", "its second checkpoint") - stepEnd;
            }
            var random = new Random(Seed);
            var resumed = new HashSet<int>();
            int midWrite = 0;
            var log = new List<string>();
            for (int trial = 0; trial < Trials; trial++)
            {
                string run = Path.Combine(folder, $"trial-{trial}");
                string checkpoint = Path.Combine(run, MaskRcnnTrainer.CheckpointFileName);
                int step = random.Next(2, Steps);
                double delay = random.NextDouble() * 1.25 * write.TotalMilliseconds;
                int announced;
                using (var child = new FaultChildProcess("checkpoints", run, Steps.ToString(CultureInfo.InvariantCulture)))
                {
                    child.WaitFor(l => l == $"step {step}", $"step {step}");
                    System.Threading.Thread.Sleep(TimeSpan.FromMilliseconds(delay));
                    child.Kill();
                    announced = child.All().Where(l => l.StartsWith("checkpoint ", StringComparison.Ordinal))
                        .Select(l => int.Parse(l[11..], CultureInfo.InvariantCulture)).Max();
                }
                bool partial = File.Exists(checkpoint + ".partial");
                if (partial) midWrite++;
                TrainingCheckpoint state;
                try
                {
                    state = TrainingCheckpoint.Read(checkpoint);
                }
                catch (Exception e)
                {
                    throw new AssertFailedException($"trial {trial} (seed {Seed}, step {step}, delay {delay:F0} ms): the checkpoint on disk does not load: {e}");
                }
                // The last checkpoint announced, or the next one if it was renamed into place just before the kill.
                Assert.IsTrue(state.Step == announced || state.Step == announced + 1, $"trial {trial}: step {state.Step}, last announced {announced}");
                string expected = Path.Combine(referenceFolder, ReferenceName(state));
                Assert.IsTrue(File.Exists(expected), $"trial {trial}: the uninterrupted run wrote no checkpoint at step {state.Step}, epoch {state.Epoch}, batch {state.BatchInEpoch}");
                Assert.AreEqual(Steps, state.TotalSteps, $"trial {trial}: total steps");
                foreach (string entry in new[] { "model.dat", "optimizer.bin", "rng_model.bin", "rng_torch.bin" })
                    CollectionAssert.AreEqual(EntryBytes(expected, entry), EntryBytes(checkpoint, entry), $"trial {trial}: {entry} differs from the uninterrupted run's at step {state.Step}");
                if (state.Step < Steps && resumed.Add(state.Step))
                {
                    using var end = new MaskRcnnTrainer(FaultTrialSetup.Trainer(Steps, null)).Resume(checkpoint, FaultTrialSetup.Data()).Model;
                    var differing = Differing(final, end.Model.state_dict());
                    Assert.AreEqual(0, differing.Count, $"trial {trial}: resumed from step {state.Step}, these differ from the uninterrupted run: {string.Join(", ", differing.Take(5))}");
                }
                log.Add($"{trial}: step {step} +{delay:F0} ms -> step {state.Step}{(partial ? " (killed mid-write)" : "")}");
                Directory.Delete(run, recursive: true);
            }
            Console.WriteLine($"seed {Seed}, {Trials} trials, checkpoint write {write.TotalMilliseconds:F0} ms, {midWrite} kills left a partial file, " +
                              $"resumed to the end from steps {string.Join(", ", resumed.Order())}:");
            Console.WriteLine(string.Join("\n", log));
            Assert.IsTrue(Trials < 10 || midWrite >= Trials / 4, $"only {midWrite} of {Trials} kills landed during a write: the trials test little");
            Directory.Delete(folder, recursive: true);
        }

        private static string ReferenceName(TrainingCheckpoint state) => $"step-{state.Step}-{state.Epoch}-{state.BatchInEpoch}.zip";

        private static byte[] EntryBytes(string zip, string entry)
        {
            using var archive = ZipFile.OpenRead(zip);
            using var stream = archive.GetEntry(entry)!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        /// <summary>The entries of <paramref name="actual"/> that differ from <paramref name="expected"/>'s (or are missing).</summary>
        internal static List<string> Differing(IDictionary<string, TorchSharp.torch.Tensor> expected, IDictionary<string, TorchSharp.torch.Tensor> actual)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            return expected.Keys.Where(k => !actual.TryGetValue(k, out var a) || !a.equal(expected[k]).all().item<bool>())
                .Concat(actual.Keys.Where(k => !expected.ContainsKey(k))).ToList();
        }
    }
}
