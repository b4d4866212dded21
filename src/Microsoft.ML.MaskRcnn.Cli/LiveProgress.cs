using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.ML.MaskRcnn.Evaluation;
using Microsoft.ML.MaskRcnn.Training;
using Spectre.Console;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// What an interactive console shows while a command works (Spectre.Console): a live progress bar for training (step,
    /// losses, learning rate, images/s, time left, last validation AP) and for evaluating or predicting many images, and the
    /// COCO figures as tables. Redirected output and <c>--no-progress</c> get the plain lines instead (<see cref="CliConsole"/>).
    /// </summary>
    internal static class LiveProgress
    {
        private static readonly string[] FigureNames =
            { "AP", "AP50", "AP75", "AP small", "AP medium", "AP large", "AR1", "AR10", "AR100", "AR small", "AR medium", "AR large" };

        /// <summary>
        /// Points <paramref name="options"/>' step and validation reports at a display that <see cref="Training"/> shows;
        /// call it before the estimator is made from the options (it copies them).
        /// </summary>
        public static TrainingReports Attach(MaskRcnnEstimator.Options options)
        {
            var reports = new TrainingReports();
            options.StepProgress = reports;
            options.ValidationProgress = reports;
            return reports;
        }

        /// <summary>Runs <paramref name="fit"/> under a progress bar fed by <paramref name="reports"/>.</summary>
        public static T Training<T>(IAnsiConsole live, TrainingReports reports, Func<T> fit)
        {
            T result = default!;
            NewProgress(live).Start(context =>
            {
                var task = context.AddTask("reading the data", maxValue: 1);
                string validation = "";
                TrainingStepEventArgs? last = null;
                void Show() => task.Description = Markup.Escape((last is null ? "" : Describe(last)) + validation);
                reports.OnStep = e =>
                {
                    task.MaxValue = e.TotalSteps;
                    task.Value = e.Step;
                    last = e;
                    Show();
                };
                reports.OnValidation = e =>
                {
                    validation = FormattableString.Invariant($"  last validation (step {e.Step}): mask AP {e.Result.Masks.AP:F3}, box AP {e.Result.Boxes.AP:F3}");
                    Show();
                };
                result = fit();
            });
            return result;
        }

        /// <summary>One line about a step: the bar shows where it is, this line what it is doing.</summary>
        public static string Describe(TrainingStepEventArgs e) => string.Create(CultureInfo.InvariantCulture,
            $"step {e.Step}/{e.TotalSteps}  loss {e.Loss:F3} (mask {e.Losses["loss_mask"]:F3})  lr {e.LearningRate:G3}  {e.ImagesPerSecond:F1} img/s  left {e.EstimatedRemaining:hh\\:mm\\:ss}");

        /// <summary>
        /// Runs <paramref name="work"/> under a progress bar of <paramref name="count"/> images; <paramref name="work"/> gets
        /// the action to call once per image done.
        /// </summary>
        public static void Images(IAnsiConsole live, string what, int count, Action<Action> work)
        {
            NewProgress(live).Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"{what} {count} image(s)"), maxValue: Math.Max(count, 1));
                work(() => task.Increment(1));
                task.Value = task.MaxValue;
            });
        }

        /// <summary>The twelve COCO figures of boxes and masks side by side, and the AP of every class.</summary>
        public static void Tables(IAnsiConsole live, InstanceSegmentationMetrics metrics)
        {
            var figures = new Table().Title(Markup.Escape($"COCO metrics: {metrics.ImageCount} images, {metrics.InstanceCount} instances, {metrics.DetectionCount} detections"))
                .AddColumn("figure").AddColumn(new TableColumn("boxes").RightAligned()).AddColumn(new TableColumn("masks").RightAligned());
            for (int i = 0; i < FigureNames.Length; i++)
                figures.AddRow(FigureNames[i], Figure(metrics.Boxes.Stats[i]), Figure(metrics.Masks.Stats[i]));
            live.Write(figures);
            var classes = new Table().Title("per class").AddColumn(new TableColumn("key").RightAligned()).AddColumn("class")
                .AddColumn(new TableColumn("instances").RightAligned()).AddColumn(new TableColumn("box AP").RightAligned()).AddColumn(new TableColumn("mask AP").RightAligned());
            foreach (var c in metrics.PerClass)
                classes.AddRow(c.Key.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Name), c.Instances.ToString(CultureInfo.InvariantCulture), Figure(c.BoxAP), Figure(c.MaskAP));
            live.Write(classes);
        }

        // COCO writes -1 where there is nothing to measure (no object of that size).
        private static string Figure(double value) => value < 0 ? "-" : value.ToString("F3", CultureInfo.InvariantCulture);

        private static Progress NewProgress(IAnsiConsole live) => live.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left });

        /// <summary>The training's reports, passed on to whatever display is listening.</summary>
        internal sealed class TrainingReports : IProgress<TrainingStepEventArgs>, IProgress<EvaluationEventArgs>
        {
            public Action<TrainingStepEventArgs>? OnStep { get; set; }

            public Action<EvaluationEventArgs>? OnValidation { get; set; }

            public void Report(TrainingStepEventArgs value) => OnStep?.Invoke(value);

            public void Report(EvaluationEventArgs value) => OnValidation?.Invoke(value);
        }
    }
}
