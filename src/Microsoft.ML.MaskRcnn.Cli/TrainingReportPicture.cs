using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Training;
using ScottPlot;
using SkiaSharp;

namespace Microsoft.ML.MaskRcnn.Cli
{
    /// <summary>
    /// The training report picture written beside a trained model: the loss curves (total and the five parts), the
    /// learning rate, and validation box and mask AP, over steps, as three stacked ScottPlot charts in one PNG.
    /// </summary>
    internal static class TrainingReportPicture
    {
        private const int Width = 1200, LossHeight = 520, RateHeight = 260, ApHeight = 340;

        private static readonly (string Key, string Name)[] Losses =
        {
            ("loss", "total"), ("loss_classifier", "classifier"), ("loss_box_reg", "box regression"), ("loss_mask", "mask"),
            ("loss_objectness", "objectness (RPN)"), ("loss_rpn_box_reg", "box regression (RPN)"),
        };

        // DejaVu Sans where installed (Debian's fonts-dejavu-core); else ScottPlot's own choice.
        private static readonly Lazy<string> SansSerif = new(() =>
            SKFontManager.Default.MatchFamily("DejaVu Sans")?.FamilyName ?? Fonts.Default);

        /// <summary>Draws the report of <paramref name="result"/> and writes it to <paramref name="path"/> as PNG.</summary>
        internal static void Write(string path, MaskRcnnTrainingResult result)
        {
            ArgumentNullException.ThrowIfNull(result);
            var info = new SKImageInfo(Width, LossHeight + RateHeight + ApHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
            using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface.");
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.White);
            var history = result.History;
            Draw(canvas, LossPlot(history), history, 0, LossHeight);
            Draw(canvas, RatePlot(history), history, LossHeight, RateHeight);
            Draw(canvas, ApPlot(result.Evaluations), history, LossHeight + RateHeight, ApHeight);
            using var image = surface.Snapshot();
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder != null) Directory.CreateDirectory(folder);
            using var file = File.Create(path);
            png.SaveTo(file);
        }

        // A plot renders over its whole canvas, so each is drawn on its own surface and then placed.
        private static void Draw(SKCanvas canvas, Plot plot, IReadOnlyList<TrainingStepEventArgs> history, int top, int height)
        {
            // The same steps on every chart, so that the three line up; the system's sans-serif face for the text.
            if (history.Count > 0) plot.Axes.SetLimitsX(0, history[^1].Step);
            plot.Font.Set(SansSerif.Value);
            // Fixed margins keep the three plot areas exactly above one another.
            plot.Layout.Fixed(new PixelPadding(90, 30, 55, 40));
            using var surface = SKSurface.Create(new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface.");
            plot.Render(surface);
            using var image = surface.Snapshot();
            canvas.DrawImage(image, 0, top);
        }

        private static Plot LossPlot(IReadOnlyList<TrainingStepEventArgs> history)
        {
            var plot = new Plot();
            // Step losses are noisy: each point is the mean of a window of steps, a fiftieth of the run.
            int window = Math.Max(1, history.Count / 50);
            double[] steps = history.Select(h => (double)h.Step).ToArray();
            bool any = false;
            foreach (var (key, name) in Losses)
            {
                if (history.Count == 0 || !history.All(h => h.Losses.ContainsKey(key))) continue;
                // The parts span orders of magnitude (objectness ends near 1e-4, the classifier near 0.1): a log scale.
                double[] values = RunningMean(history.Select(h => h.Losses[key]).ToArray(), window).Select(v => Math.Log10(Math.Max(v, 1e-6))).ToArray();
                var line = plot.Add.ScatterLine(steps, values);
                line.LegendText = name;
                line.LineWidth = key == "loss" ? 3 : 1.5f;
                any = true;
            }
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.TickGenerator = ticks;
            plot.Title(window > 1 ? $"Training losses (mean of {window} steps)" : "Training losses");
            plot.XLabel("step");
            plot.YLabel("loss (log scale)");
            if (any) plot.ShowLegend(Alignment.UpperRight);
            return plot;
        }

        private static Plot RatePlot(IReadOnlyList<TrainingStepEventArgs> history)
        {
            var plot = new Plot();
            var line = plot.Add.ScatterLine(history.Select(h => (double)h.Step).ToArray(), history.Select(h => h.LearningRate).ToArray());
            line.LineWidth = 2;
            plot.Title("Learning rate");
            plot.XLabel("step");
            plot.YLabel("learning rate");
            return plot;
        }

        private static Plot ApPlot(IReadOnlyList<(int Step, ModelEvaluationResult Result)> evaluations)
        {
            var plot = new Plot();
            // COCO marks an undefined AP (no ground truth) as -1: such points are left out.
            var defined = evaluations.Where(e => e.Result.Boxes.AP >= 0 && e.Result.Masks.AP >= 0).ToArray();
            if (defined.Length > 0)
            {
                double[] steps = defined.Select(e => (double)e.Step).ToArray();
                var boxes = plot.Add.Scatter(steps, defined.Select(e => e.Result.Boxes.AP).ToArray());
                boxes.LegendText = "box AP";
                boxes.LineWidth = 2;
                boxes.MarkerSize = 7;
                var masks = plot.Add.Scatter(steps, defined.Select(e => e.Result.Masks.AP).ToArray());
                masks.LegendText = "mask AP";
                masks.LineWidth = 2;
                masks.MarkerSize = 7;
                plot.ShowLegend(Alignment.UpperLeft);
                plot.Title("Validation AP (COCO, IoU 0.50:0.95)");
            }
            else
            {
                plot.Title("Validation AP: no validation during this run");
            }
            // Up to just above the best AP (at most 1), so that an early, low curve is still readable.
            double best = defined.Length == 0 ? 0 : defined.Max(e => Math.Max(e.Result.Boxes.AP, e.Result.Masks.AP));
            plot.Axes.SetLimitsY(0, Math.Min(1, Math.Max(0.05, best * 1.2)));
            plot.XLabel("step");
            plot.YLabel("AP");
            return plot;
        }

        private static double[] RunningMean(double[] values, int window)
        {
            var means = new double[values.Length];
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                sum += values[i];
                if (i >= window) sum -= values[i - window];
                means[i] = sum / Math.Min(i + 1, window);
            }
            return means;
        }
    }
}
