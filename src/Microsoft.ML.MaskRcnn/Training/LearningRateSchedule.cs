using System;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>
    /// The learning rate as a function of the step alone (linear warm-up, then step or cosine decay), so that resuming
    /// from a checkpoint needs only the step count to continue the schedule exactly.
    /// </summary>
    public sealed class LearningRateSchedule
    {
        private readonly MaskRcnnTrainerOptions options;
        private readonly int[] milestones;

        public LearningRateSchedule(MaskRcnnTrainerOptions options, int totalSteps)
        {
            this.options = options;
            TotalSteps = totalSteps;
            WarmupSteps = Math.Min(options.WarmupSteps, (int)Math.Floor(options.MaxWarmupFraction * totalSteps));
            milestones = options.StepMilestones.Select(f => (int)Math.Round(f * totalSteps)).OrderBy(m => m).ToArray();
        }

        public int TotalSteps { get; }

        /// <summary>Steps of warm-up: the options' count, capped at <see cref="MaskRcnnTrainerOptions.MaxWarmupFraction"/> of the schedule.</summary>
        public int WarmupSteps { get; }

        /// <summary>The rate of step <paramref name="step"/> (0-based).</summary>
        public double At(int step)
        {
            double warmup = 1.0;
            if (step < WarmupSteps)
            {
                double alpha = (double)step / WarmupSteps;
                warmup = options.WarmupFactor * (1 - alpha) + alpha;
            }
            double decay = options.Decay switch
            {
                LearningRateDecay.Step => Math.Pow(options.StepGamma, milestones.Count(m => m <= step)),
                _ => CosineFactor(step),
            };
            return options.LearningRate * warmup * decay;
        }

        private double CosineFactor(int step)
        {
            int span = Math.Max(TotalSteps - WarmupSteps, 1);
            double t = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
            double minimum = options.MinLearningRateFactor;
            return minimum + (1 - minimum) * 0.5 * (1 + Math.Cos(Math.PI * t));
        }
    }
}
