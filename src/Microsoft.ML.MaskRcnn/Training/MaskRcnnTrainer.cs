using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.ML.MaskRcnn.Data;
using Microsoft.ML.MaskRcnn.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>What a training run produced.</summary>
    public sealed class MaskRcnnTrainingResult
    {
        internal MaskRcnnTrainingResult(TrainedMaskRcnn model, int steps, int totalSteps, bool cancelled, IReadOnlyList<(int Step, ModelEvaluationResult Result)> evaluations,
                                        IReadOnlyList<string> skippedImages, string? lastCheckpoint, TimeSpan duration, IReadOnlyList<TrainingStepEventArgs> history)
        {
            Model = model;
            Steps = steps;
            TotalSteps = totalSteps;
            Cancelled = cancelled;
            Evaluations = evaluations;
            SkippedImages = skippedImages;
            LastCheckpoint = lastCheckpoint;
            Duration = duration;
            History = history;
        }

        /// <summary>The trained network and its categories (owned by the result's user: dispose it).</summary>
        public TrainedMaskRcnn Model { get; }

        /// <summary>Steps completed (including those before a resume).</summary>
        public int Steps { get; }
        public int TotalSteps { get; }

        /// <summary>Whether training stopped early on request.</summary>
        public bool Cancelled { get; }

        /// <summary>Validation results, by step.</summary>
        public IReadOnlyList<(int Step, ModelEvaluationResult Result)> Evaluations { get; }

        /// <summary>Images that failed to load and were skipped (with <see cref="MaskRcnnTrainerOptions.SkipUnreadableImages"/>).</summary>
        public IReadOnlyList<string> SkippedImages { get; }

        public string? LastCheckpoint { get; }
        public TimeSpan Duration { get; }

        /// <summary>Every step's report of this run: the loss curve.</summary>
        public IReadOnlyList<TrainingStepEventArgs> History { get; }
    }

    /// <summary>
    /// Trains Mask R-CNN on an instance-segmentation dataset: SGD with momentum and weight decay, linear warm-up then
    /// step or cosine decay, optional gradient clipping, horizontal flips and scale jitter, batches grouped by aspect
    /// ratio, periodic COCO validation and atomic checkpoints from which <see cref="Resume"/> continues to the same
    /// result as an uninterrupted run. Reports each step through <see cref="StepCompleted"/>.
    /// </summary>
    public sealed class MaskRcnnTrainer
    {
        /// <summary>The name of the checkpoint file in <see cref="MaskRcnnTrainerOptions.CheckpointDirectory"/>.</summary>
        public const string CheckpointFileName = "checkpoint.zip";

        private readonly MaskRcnnTrainerOptions options;
        private readonly TimeProvider clock;

        public MaskRcnnTrainer(MaskRcnnTrainerOptions options) : this(options, TimeProvider.System)
        {
        }

        /// <summary>A trainer whose time estimates read <paramref name="clock"/> (tests drive it with a fake one).</summary>
        internal MaskRcnnTrainer(MaskRcnnTrainerOptions options, TimeProvider clock)
        {
            (options ?? throw new ArgumentNullException(nameof(options))).Validate();
            this.options = options.Clone();
            this.clock = clock;
        }

        /// <summary>After every step: losses, learning rate, throughput, ETA.</summary>
        public event EventHandler<TrainingStepEventArgs>? StepCompleted;

        /// <summary>After every validation.</summary>
        public event EventHandler<EvaluationEventArgs>? Evaluated;

        /// <summary>Human-readable notes (weights loaded, checkpoints written, images skipped).</summary>
        public event EventHandler<string>? Message;

        /// <summary>Trains a new network on <paramref name="training"/>, validating on <paramref name="validation"/> if given.</summary>
        public MaskRcnnTrainingResult Train(InstanceSegmentationDataset training, InstanceSegmentationDataset? validation = null,
                                            CancellationToken cancellationToken = default) =>
            Run(options, training, validation, null, cancellationToken);

        /// <summary>
        /// Continues the run saved in <paramref name="checkpointPath"/>: the network and schedule come from the checkpoint;
        /// threads, device, checkpoint folder, validation interval and the handling of unreadable images from this trainer.
        /// </summary>
        public MaskRcnnTrainingResult Resume(string checkpointPath, InstanceSegmentationDataset training, InstanceSegmentationDataset? validation = null,
                                             CancellationToken cancellationToken = default)
        {
            var saved = TrainingCheckpoint.Read(checkpointPath).Options;
            saved.Threads = options.Threads;
            saved.Device = options.Device;
            saved.Compute = options.Compute.Clone();
            saved.CheckpointDirectory = options.CheckpointDirectory;
            saved.CheckpointInterval = options.CheckpointInterval;
            saved.EvaluationInterval = options.EvaluationInterval;
            saved.SkipUnreadableImages = options.SkipUnreadableImages;
            saved.CheckpointOnCancel = options.CheckpointOnCancel;
            return Run(saved, training, validation, checkpointPath, cancellationToken);
        }

        private MaskRcnnTrainingResult Run(MaskRcnnTrainerOptions run, InstanceSegmentationDataset training, InstanceSegmentationDataset? validation,
                                           string? resumeFrom, CancellationToken cancellation)
        {
            if (training is null) throw new ArgumentNullException(nameof(training));
            int classes = training.Categories.Count + 1;
            if (run.Model.NumClasses != classes)
                throw new ArgumentException($"Invalid MaskRcnnTrainerOptions.Model.NumClasses: the training set has {training.Categories.Count} categories, so it must be {classes} (background included), got {run.Model.NumClasses}.", "NumClasses");
            torch.set_num_threads(run.Threads);
            var device = new Device(run.Device);
            torch.InitializeDevice(device);
            torch.manual_seed(run.Seed);

            var watch = Stopwatch.StartNew();
            long started = clock.GetTimestamp();
            // A time budget rewrites the run's length once measured: work on a copy, so that a second run starts afresh.
            var budget = run.TimeBudget is { } time ? new TrainingBudget(time) : null;
            if (budget is not null) run = run.Clone();
            var model = new MaskRcnnModel(run.Model);
            try
            {
                if (run.InitialWeights is not null && resumeFrom is null) LoadInitialWeights(model, run);
                model.to(device);
                var batches = new TrainingBatches(training, run);
                int perEpoch = batches.BatchesPerEpoch(0);
                int totalSteps = run.MaxSteps > 0 ? run.MaxSteps : run.Epochs * perEpoch;
                // Under a time budget this is provisional (it shapes the first steps' warm-up): the plan replaces it.
                if (budget is not null) totalSteps = Math.Max(totalSteps, TrainingBudget.MeasuredSteps);
                var schedule = new LearningRateSchedule(run, totalSteps);
                using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), run.LearningRate, run.Momentum, weight_decay: run.WeightDecay);
                var categories = training.Categories.CategoryIds.Select((id, i) => (id, training.Categories.Names[i])).ToArray();
                var trained = new TrainedMaskRcnn(model, training.Categories, device);
                NoteFallback(trained, run);
                var (trainingPrecision, trainingFallback) = ComputePlan.EffectiveTrainingPrecision(run.Compute, device);
                if (trainingFallback is not null) Message?.Invoke(this, trainingFallback);

                int step = 0, epoch = 0, firstBatch = 0;
                var skipped = new List<string>();
                string? checkpointPath = run.CheckpointDirectory is null ? null : Path.Combine(run.CheckpointDirectory, CheckpointFileName);
                string? lastCheckpoint = null;
                if (resumeFrom is not null)
                {
                    var restored = TrainingCheckpoint.Restore(resumeFrom, model, optimizer);
                    (step, epoch, firstBatch) = (restored.Step, restored.Epoch, restored.BatchInEpoch);
                    skipped.AddRange(restored.SkippedImages);
                    lastCheckpoint = resumeFrom;
                    Message?.Invoke(this, $"Resumed from '{resumeFrom}' at step {step} (epoch {epoch}, batch {firstBatch}).");
                }

                void SaveCheckpoint(int nextEpoch, int nextBatch)
                {
                    if (checkpointPath is null) return;
                    TrainingCheckpoint.Save(checkpointPath, new TrainingCheckpoint
                    {
                        Step = step, Epoch = nextEpoch, BatchInEpoch = nextBatch, TotalSteps = totalSteps, Options = run,
                        Categories = categories, SkippedImages = skipped.ToArray(),
                    }, model, optimizer);
                    lastCheckpoint = checkpointPath;
                    Message?.Invoke(this, $"Checkpoint at step {step} written to '{checkpointPath}'.");
                }

                var eta = new TrainingEta(clock, totalSteps, run.EvaluationInterval, perEpoch, validation?.Count ?? 0, started);
                var evaluations = new List<(int, ModelEvaluationResult)>();
                void Validate()
                {
                    if (validation is null || validation.Count == 0) return;
                    model.eval();
                    trained.Compute = run.Compute;  // prepares the current weights when the options fold or cast them
                    var result = ModelEvaluation.Evaluate(trained, validation);
                    model.train();
                    eta.ValidationFinished();
                    evaluations.Add((step, result));
                    Evaluated?.Invoke(this, new EvaluationEventArgs(step, result));
                }

                var history = new List<TrainingStepEventArgs>();
                bool cancelled = false;
                model.train();
                while (step < totalSteps && !cancelled)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        // Asked to stop at an epoch's end (after its validation and checkpoint): the next epoch never starts.
                        cancelled = true;
                        break;
                    }
                    int batchIndex = firstBatch;
                    foreach (var batch in batches.Epoch(epoch, firstBatch))
                    {
                        batchIndex = batch.EpochBatch + 1;
                        foreach (var path in batch.Skipped)
                        {
                            skipped.Add(path);
                            Message?.Invoke(this, $"Skipped unreadable image '{path}'.");
                        }
                        if (batch.Samples.Length == 0) continue;
                        double learningRate = schedule.At(step);
                        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                        var losses = TrainStep(model, optimizer, batch, device, run, trainingPrecision, step, lastCheckpoint);
                        step++;

                        eta.StepDone(batch.Samples.Length);
                        if (budget is not null && budget.ShouldPlan(step, planned: run.TimeBudget is null, eta))
                        {
                            totalSteps = Math.Max(budget.Plan(step, eta), step);
                            eta.TotalSteps = totalSteps;
                            schedule = new LearningRateSchedule(run, totalSteps);
                            // From now on the run is an ordinary one of that many steps: checkpoints resume it as such.
                            run.MaxSteps = totalSteps;
                            run.TimeBudget = null;
                            Message?.Invoke(this, DescribePlan(budget, step, totalSteps, eta, schedule));
                        }
                        var report = new TrainingStepEventArgs(step, totalSteps, epoch, losses, learningRate,
                            eta.ImagesPerSecond, watch.Elapsed, eta.Remaining(step));
                        history.Add(report);
                        StepCompleted?.Invoke(this, report);

                        if (run.CheckpointInterval > 0 && step % run.CheckpointInterval == 0) SaveCheckpoint(epoch, batchIndex);
                        if (run.EvaluationInterval > 0 && step % run.EvaluationInterval == 0) Validate();
                        if (step >= totalSteps) break;
                        if (cancellation.IsCancellationRequested)
                        {
                            cancelled = true;
                            break;
                        }
                    }
                    if (cancelled)
                    {
                        firstBatch = batchIndex;
                        break;
                    }
                    if (step >= totalSteps) break;
                    // A whole epoch is done: validate and checkpoint at the epoch boundary unless intervals are set.
                    if (run.EvaluationInterval == 0) Validate();
                    if (run.CheckpointInterval == 0) SaveCheckpoint(epoch + 1, 0);
                    epoch++;
                    firstBatch = 0;
                }

                if (cancelled)
                {
                    if (run.CheckpointOnCancel) SaveCheckpoint(epoch, firstBatch);
                    Message?.Invoke(this, $"Training cancelled after step {step}.");
                }
                else
                {
                    SaveCheckpoint(epoch + 1, 0);
                    if (evaluations.Count == 0 || evaluations[^1].Item1 != step) Validate();
                }
                model.eval();
                trained.Compute = run.Compute;
                return new MaskRcnnTrainingResult(trained, step, totalSteps, cancelled, evaluations, skipped, lastCheckpoint, watch.Elapsed, history);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        private static string DescribePlan(TrainingBudget budget, int step, int totalSteps, TrainingEta eta, LearningRateSchedule schedule)
        {
            string validation = eta.ValidationsToCome(step, totalSteps) == 0 ? "no validation"
                : FormattableString.Invariant($"{eta.ValidationsToCome(step, totalSteps)} validation pass(es) of {eta.SecondsPerValidation:F1} s ({(eta.ValidationMeasured ? "measured" : "estimated")})");
            var end = eta.Elapsed + eta.Remaining(step, totalSteps);
            return FormattableString.Invariant(
                $"Time budget {budget.Budget:hh\\:mm\\:ss}: after {step} steps at {eta.SecondsPerStep:F2} s each, {totalSteps} steps in all, ") +
                $"warm-up {schedule.WarmupSteps} steps, {validation}; training and validation end after about {end:hh\\:mm\\:ss}.";
        }

        // A bfloat16 inference the device cannot compute natively falls back to float32: say so once, at the start.
        private void NoteFallback(TrainedMaskRcnn trained, MaskRcnnTrainerOptions run)
        {
            trained.Compute = run.Compute;
            if (trained.ComputeFallbackMessage is { } message) Message?.Invoke(this, message);
        }

        private static Dictionary<string, double> TrainStep(MaskRcnnModel model, SGD optimizer, LoadedBatch batch, Device device,
                                                           MaskRcnnTrainerOptions run, ComputePrecision precision, int step, string? lastCheckpoint)
        {
            using var scope = NewDisposeScope();
            var images = batch.Samples.Select(s => SampleTensors.Image(s.Image, device)).ToArray();
            var targets = batch.Samples.Select(s => SampleTensors.Target(s.Annotations, device)).ToArray();
            optimizer.zero_grad();
            using var plan = ComputePlan.ForTraining(model, run.Compute.MemoryFormat, precision);
            using var active = plan.Activate();
            var losses = model.Losses(images, targets);
            var values = new Dictionary<string, double>();
            foreach (var (name, loss) in losses)
            {
                double value = loss.item<float>();
                if (!double.IsFinite(value)) throw new TrainingDivergedException(step + 1, name, value, lastCheckpoint);
                values[name] = value;
            }
            var total = losses.Values.Aggregate((a, b) => a + b);
            values["loss"] = values.Values.Sum();
            total.backward();
            if (run.GradientClipNorm > 0) nn.utils.clip_grad_norm_(model.parameters().Where(p => p.requires_grad), run.GradientClipNorm);
            optimizer.step();
            return values;
        }

        private void LoadInitialWeights(MaskRcnnModel model, MaskRcnnTrainerOptions run)
        {
            string path = run.InitialWeights!;
            if (TrainingCheckpoint.IsCheckpoint(path))
            {
                TrainingCheckpoint.LoadWeights(path, model);
                Message?.Invoke(this, $"Initial weights loaded from checkpoint '{path}'.");
                return;
            }
            if (MaskRcnnTrainerOptions.IsOnnx(path))
            {
                LoadOnnxBackbone(model, run);
                return;
            }
            var loadOptions = run.InitialWeightsIncludePredictors
                ? new StateDictLoadOptions { Strict = false }
                : StateDictLoadOptions.ExceptMaskRcnnPredictors(strict: false);
            var report = StateDictLoader.Load(model, path, loadOptions);
            // Trained nothing (zero epochs): the network is these weights, so they must cover all of it.
            if (run.Epochs == 0 && run.MaxSteps == 0 && !report.IsComplete)
                throw new ArgumentException($"Invalid MaskRcnnTrainerOptions.InitialWeights: with zero epochs the network is '{path}', which does not fit it whole: {report}",
                                            nameof(MaskRcnnTrainerOptions.InitialWeights));
            Message?.Invoke(this, $"Initial weights from '{path}': {report}");
        }

        /// <summary>An ImageNet ResNet stored as ONNX becomes the backbone's body; everything else keeps its initialisation.</summary>
        private void LoadOnnxBackbone(MaskRcnnModel model, MaskRcnnTrainerOptions run)
        {
            string path = run.InitialWeights!;
            var weights = OnnxResNetWeights.Read(path);
            var blocks = run.Model.BackboneStageBlocks ?? ResNetBody.StandardStageBlocks(run.Model.BackboneDepth);
            bool bottleneck = run.Model.BackboneDepth >= 50;
            if (weights.Bottleneck != bottleneck || !weights.StageBlocks.SequenceEqual(blocks))
                throw new ArgumentException(
                    $"Invalid MaskRcnnTrainerOptions.Model.BackboneStageBlocks: the ONNX backbone '{path}' is a ResNet of {(weights.Bottleneck ? "bottleneck" : "basic")} " +
                    $"blocks [{string.Join(", ", weights.StageBlocks)}], the model's is of {(bottleneck ? "bottleneck" : "basic")} blocks [{string.Join(", ", blocks)}] " +
                    $"(depth {run.Model.BackboneDepth}); set BackboneDepth and BackboneStageBlocks to match.", "BackboneStageBlocks");
            var tensors = weights.ToTensors("backbone.body.", run.InitialWeightsChannelsReversed);
            try
            {
                var report = StateDictLoader.Load(model, tensors, new StateDictLoadOptions { Strict = false });
                if (report.UnexpectedKeys.Count > 0 || report.ShapeMismatches.Count > 0 || report.LoadedKeys.Count != tensors.Count)
                    throw new InvalidDataException($"The ONNX backbone '{path}' does not fit the model's ResNet: {report}");
                Message?.Invoke(this, $"Backbone initialised from the ONNX ResNet '{path}' ({report.LoadedKeys.Count} tensors" +
                                      $"{(run.InitialWeightsChannelsReversed ? ", input channels reversed from BGR to RGB" : "")}); FPN, RPN and heads keep their random initialisation.");
            }
            finally
            {
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
        }
    }
}
