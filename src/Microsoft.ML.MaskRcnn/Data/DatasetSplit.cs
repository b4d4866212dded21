using System;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>Deterministic train/validation splits by seed.</summary>
    public static class DatasetSplit
    {
        /// <summary>
        /// Splits indices 0..count-1: a <see cref="SeededRandom"/> permutation puts round(count x validationFraction)
        /// of them in validation, the rest in train; both lists are returned in ascending order. The same count, fraction
        /// and seed always give the same split.
        /// </summary>
        public static (int[] Train, int[] Validation) Split(int count, double validationFraction, int seed)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The count cannot be negative.");
            if (!(validationFraction >= 0 && validationFraction <= 1))
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction is between 0 and 1.");
            var order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            new SeededRandom(seed).Shuffle(order.AsSpan());
            int validationCount = (int)Math.Round(count * validationFraction, MidpointRounding.AwayFromZero);
            int[] validation = order[..validationCount];
            int[] train = order[validationCount..];
            Array.Sort(validation);
            Array.Sort(train);
            return (train, validation);
        }
    }
}
