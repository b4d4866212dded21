using System;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>
    /// Fits a run's length to a wall-clock budget (<see cref="MaskRcnnTrainerOptions.TimeBudget"/>): after the first
    /// <see cref="MeasuredSteps"/> steps it plans the most steps whose training and validation passes, at the measured
    /// speeds, end within the budget less a small margin; the schedule (warm-up, decay) is then laid over those steps.
    /// Every <see cref="CheckInterval"/> steps the plan is checked: a run that would end after the budget (the machine slowed
    /// down) or well before it (the first steps were slow) is planned again.
    /// </summary>
    internal sealed class TrainingBudget
    {
        /// <summary>Steps timed before the first plan.</summary>
        public const int MeasuredSteps = 10;

        /// <summary>Steps between checks of whether the run still ends within the budget.</summary>
        public const int CheckInterval = 10;

        // Kept free for what follows the last validation (saving the model) and for the noise of the measurements.
        private const double Margin = 0.03;

        // How far ahead of its plan a run may be before it is given more steps (the first steps, slower, make plans short).
        private const double Slack = 0.05;

        private readonly TimeSpan budget;

        public TrainingBudget(TimeSpan budget)
        {
            if (budget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(budget), budget, "The time budget must be positive.");
            this.budget = budget;
        }

        /// <summary>The budget as given.</summary>
        public TimeSpan Budget => budget;

        /// <summary>The time training and validation may take, the margin left out.</summary>
        public TimeSpan Usable => budget * (1 - Margin);

        /// <summary>
        /// Whether the run must be planned (again) now that step <paramref name="step"/> has ended: first after the measured
        /// steps, then whenever it would use more than half the margin or end well (<see cref="Slack"/> of the budget) early.
        /// </summary>
        public bool ShouldPlan(int step, bool planned, TrainingEta eta)
        {
            if (!planned) return step >= MeasuredSteps;
            if (step % CheckInterval != 0) return false;
            var end = eta.Elapsed + eta.Remaining(step);
            // Half the margin absorbs the measurements' noise, so that a run on time is not planned again every check.
            return end > budget * (1 - Margin / 2) || end < Usable - budget * Slack;
        }

        /// <summary>
        /// The most steps (at least <paramref name="step"/>: stop now) whose remaining steps and validation passes end
        /// within <see cref="Usable"/> at the speeds <paramref name="eta"/> has measured.
        /// </summary>
        public int Plan(int step, TrainingEta eta)
        {
            double left = (Usable - eta.Elapsed).TotalSeconds;
            double perStep = Math.Max(eta.SecondsPerStep, 1e-6);
            // The remaining time grows with the steps, so the longest run that fits is found by halving an upper bound.
            int low = step, high = step + (int)Math.Min(int.MaxValue / 2.0, Math.Max(left, 0) / perStep) + 1;
            while (low < high)
            {
                int middle = low + (high - low + 1) / 2;
                if (eta.Remaining(step, middle).TotalSeconds <= left) low = middle;
                else high = middle - 1;
            }
            return low;
        }
    }
}
