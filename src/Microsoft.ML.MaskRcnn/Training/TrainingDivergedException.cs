using System;

namespace Microsoft.ML.MaskRcnn.Training
{
    /// <summary>A loss became NaN or infinite: training stops, the last good checkpoint is kept.</summary>
    public sealed class TrainingDivergedException : Exception
    {
        internal TrainingDivergedException(int step, string lossName, double value, string? lastCheckpoint)
            : base($"Training diverged at step {step}: {lossName} is {value}. " +
                   (lastCheckpoint is null ? "No checkpoint was written." : $"The last good checkpoint is '{lastCheckpoint}'.") +
                   " Lower the learning rate, enable gradient clipping or lengthen the warm-up.")
        {
            Step = step;
            LossName = lossName;
            Value = value;
            LastCheckpoint = lastCheckpoint;
        }

        /// <summary>The 1-based step whose loss was not finite.</summary>
        public int Step { get; }

        /// <summary>The loss term at fault (e.g. loss_rpn_box_reg).</summary>
        public string LossName { get; }

        public double Value { get; }

        /// <summary>The checkpoint written before the failure, if any.</summary>
        public string? LastCheckpoint { get; }
    }
}
