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
        private readonly int evaluationInterval;
        private readonly int stepsPerEpoch;
        private readonly int validationImages;
        private readonly Queue<(double Seconds, int Images)> recent = new();
        private readonly long start;
        private long mark;
        private double? secondsPerValidation;

        /// <param name="clock">Where the time comes from (a fake one in tests).</param>
        /// <param name="totalSteps">The steps of the whole run.</param>
        /// <param name="evaluationInterval">Validate every N steps; 0: at the end of every epoch.</param>
        /// <param name="stepsPerEpoch">Steps in one pass over the training data.</param>
        /// <param name="validationImages">Images of each validation pass; 0 when there is no validation.</param>
        /// <param name="startedAt">When the run began (its set-up counts towards <see cref="Elapsed"/>, not towards a step); default: now.</param>
        public TrainingEta(TimeProvider clock, int totalSteps, int evaluationInterval, int stepsPerEpoch, int validationImages, long? startedAt = null)
        {
            this.clock = clock;
            TotalSteps = totalSteps;
            this.evaluationInterval = evaluationInterval;
            this.stepsPerEpoch = Math.Max(stepsPerEpoch, 1);
            this.validationImages = validationImages;
            mark = clock.GetTimestamp();
            start = startedAt ?? mark;
        }

        /// <summary>The steps of the whole run (a time budget may change them).</summary>
        public int TotalSteps { get; set; }

        /// <summary>Time from the start to the end of the last step or validation.</summary>
        public TimeSpan Elapsed => clock.GetElapsedTime(start, mark);

        /// <summary>Mean wall-clock seconds of the recent steps (0 before the first).</summary>
        public double SecondsPerStep => recent.Count == 0 ? 0 : recent.Average(r => r.Seconds);

        /// <summary>Seconds of one validation pass: the last one's, or before any, its images at a training image's cost.</summary>
        public double SecondsPerValidation =>
            secondsPerValidation ?? validationImages * recent.Sum(r => r.Seconds) / Math.Max(recent.Sum(r => r.Images), 1);

        /// <summary>Whether <see cref="SecondsPerValidation"/> was measured rather than estimated.</summary>
        public bool ValidationMeasured => secondsPerValidation.HasValue;

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

        /// <summary>
        /// A validation pass has ended: the time since the step before it (the pass and whatever ran between them) is the
        /// cost of the passes to come, and is not a step's.
        /// </summary>
        public void ValidationFinished()
        {
            long now = clock.GetTimestamp();
            secondsPerValidation = clock.GetElapsedTime(mark, now).TotalSeconds;
            mark = now;
        }

        /// <summary>The estimated time left when step <paramref name="step"/> has just ended (before its validation, if it has one).</summary>
        public TimeSpan Remaining(int step) => Remaining(step, TotalSteps);

        /// <summary>The time a run of <paramref name="totalSteps"/> steps would still take when step <paramref name="step"/> has just ended.</summary>
        public TimeSpan Remaining(int step, int totalSteps)
        {
            if (recent.Count == 0) return TimeSpan.Zero;
            return TimeSpan.FromSeconds(SecondsPerStep * Math.Max(totalSteps - step, 0) + SecondsPerValidation * ValidationsToCome(step, totalSteps));
        }

        /// <summary>Validation passes still to come when step <paramref name="step"/> has just ended.</summary>
        public int ValidationsToCome(int step) => ValidationsToCome(step, TotalSteps);

        /// <summary>
        /// Validation passes of a run of <paramref name="totalSteps"/> steps still to come when step <paramref name="step"/>
        /// has just ended, as the trainer runs them: after every interval's step (or each epoch's last), that step's
        /// included, and once after the last step when it is not such a step.
        /// </summary>
        public int ValidationsToCome(int step, int totalSteps)
        {
            if (validationImages == 0 || step > totalSteps) return 0;
            int every = evaluationInterval > 0 ? evaluationInterval : stepsPerEpoch;
            int points = totalSteps / every - Math.Max(step - 1, 0) / every;
            return totalSteps % every == 0 ? points : points + 1;
        }
    }
}
