using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>
    /// The time a training run has left: the wall-clock time of the recent steps (reading the images included) times the
    /// steps still to come, plus the validation passes still to come. A validation pass costs what the last one took;
    /// before the first one has been timed, each validation image is assumed to cost as much as a training image.
    /// </summary>
    internal sealed class TrainingEta
    {
        private const int Window = 20;

        private readonly TimeProvider clock;
        private readonly int totalSteps;
        private readonly int evaluationInterval;
        private readonly int stepsPerEpoch;
        private readonly int validationImages;
        private readonly Queue<(double Seconds, int Images)> recent = new();
        private long mark;
        private long validationStart;
        private double? secondsPerValidation;

        /// <param name="clock">Where the time comes from (a fake one in tests).</param>
        /// <param name="totalSteps">The steps of the whole run.</param>
        /// <param name="evaluationInterval">Validate every N steps; 0: at the end of every epoch.</param>
        /// <param name="stepsPerEpoch">Steps in one pass over the training data.</param>
        /// <param name="validationImages">Images of each validation pass; 0 when there is no validation.</param>
        public TrainingEta(TimeProvider clock, int totalSteps, int evaluationInterval, int stepsPerEpoch, int validationImages)
        {
            this.clock = clock;
            this.totalSteps = totalSteps;
            this.evaluationInterval = evaluationInterval;
            this.stepsPerEpoch = Math.Max(stepsPerEpoch, 1);
            this.validationImages = validationImages;
            mark = clock.GetTimestamp();
        }

        /// <summary>A step of <paramref name="images"/> images has ended: its time is since the previous step or validation.</summary>
        public void StepDone(int images)
        {
            long now = clock.GetTimestamp();
            recent.Enqueue((clock.GetElapsedTime(mark, now).TotalSeconds, images));
            if (recent.Count > Window) recent.Dequeue();
            mark = now;
        }

        /// <summary>Images per second over the recent steps.</summary>
        public double ImagesPerSecond => recent.Count == 0 ? 0 : recent.Sum(r => r.Images) / Math.Max(recent.Sum(r => r.Seconds), 1e-9);

        /// <summary>A validation pass begins.</summary>
        public void ValidationStarting() => validationStart = clock.GetTimestamp();

        /// <summary>The validation pass has ended: its time is the cost of the passes to come, and is not a step's.</summary>
        public void ValidationFinished()
        {
            long now = clock.GetTimestamp();
            secondsPerValidation = clock.GetElapsedTime(validationStart, now).TotalSeconds;
            mark = now;
        }

        /// <summary>The estimated time left after <paramref name="step"/> steps.</summary>
        public TimeSpan Remaining(int step)
        {
            if (recent.Count == 0) return TimeSpan.Zero;
            double secondsPerStep = recent.Average(r => r.Seconds);
            double validation = secondsPerValidation ?? validationImages * recent.Sum(r => r.Seconds) / Math.Max(recent.Sum(r => r.Images), 1);
            return TimeSpan.FromSeconds(secondsPerStep * Math.Max(totalSteps - step, 0) + validation * ValidationsAfter(step));
        }

        /// <summary>
        /// Validation passes after <paramref name="step"/>, as the trainer runs them: every interval (or at each epoch's end)
        /// and once at the end when the last step is not such a point.
        /// </summary>
        public int ValidationsAfter(int step)
        {
            if (validationImages == 0 || step >= totalSteps) return 0;
            int every = evaluationInterval > 0 ? evaluationInterval : stepsPerEpoch;
            int points = totalSteps / every - step / every;
            return totalSteps % every == 0 ? points : points + 1;
        }
    }
}
