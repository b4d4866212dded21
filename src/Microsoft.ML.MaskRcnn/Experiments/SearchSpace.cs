using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>
    /// The trainer options an experiment varies and the values each may take. Options are named by their path on
    /// <see cref="Training.MaskRcnnTrainerOptions"/>, e.g. <c>"LearningRate"</c> or <c>"Model.BackboneDepth"</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// var space = new SearchSpace()
    ///     .Choice("Model.BackboneDepth", 18, 34)
    ///     .Choice("Model.MinSize", 128, 160)
    ///     .Range("LearningRate", 0.005, 0.04, logScale: true);
    /// </code>
    /// </example>
    public sealed class SearchSpace
    {
        private readonly List<SearchDimension> dimensions = new();

        /// <summary>The dimensions in the order they were added (grid search varies the last one fastest).</summary>
        public IReadOnlyList<SearchDimension> Dimensions => dimensions;

        /// <summary>The option takes one of <paramref name="values"/> (any type assignable to the option).</summary>
        public SearchSpace Choice<T>(string option, params T[] values)
        {
            if (values is null || values.Length == 0)
                throw new ArgumentException($"The search space choice for option '{option}' needs at least one value.", nameof(values));
            return Add(new SearchDimension(option, values.Select(v => (object?)v).ToArray()));
        }

        /// <summary>
        /// The option takes a number in [<paramref name="min"/>, <paramref name="max"/>]: uniform (or log-uniform) for
        /// random search, <paramref name="gridPoints"/> evenly spaced values (on the log scale if asked) for grid search.
        /// Integer options receive the rounded value.
        /// </summary>
        public SearchSpace Range(string option, double min, double max, bool logScale = false, int gridPoints = 3)
        {
            if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
                throw new ArgumentException($"The search space range for option '{option}' needs finite min <= max, got [{min}, {max}].", nameof(min));
            if (logScale && min <= 0)
                throw new ArgumentException($"The log-scale range for option '{option}' needs a positive minimum, got {min}.", nameof(min));
            if (gridPoints < 1)
                throw new ArgumentOutOfRangeException(nameof(gridPoints), gridPoints, $"The range for option '{option}' needs at least one grid point.");
            return Add(new SearchDimension(option, min, max, logScale, gridPoints));
        }

        /// <summary>How many configurations grid search visits.</summary>
        public long GridSize => dimensions.Aggregate(1L, (n, d) => n * d.GridValues().Count);

        private SearchSpace Add(SearchDimension dimension)
        {
            if (string.IsNullOrWhiteSpace(dimension.Option))
                throw new ArgumentException("A search space dimension needs an option name.", "option");
            if (dimensions.Any(d => d.Option == dimension.Option))
                throw new ArgumentException($"Option '{dimension.Option}' appears twice in the search space.", "option");
            dimensions.Add(dimension);
            return this;
        }
    }

    /// <summary>One option of a <see cref="SearchSpace"/>: a list of choices or a numeric range.</summary>
    public sealed class SearchDimension
    {
        internal SearchDimension(string option, IReadOnlyList<object?> choices)
        {
            Option = option;
            Choices = choices;
        }

        internal SearchDimension(string option, double min, double max, bool logScale, int gridPoints)
        {
            Option = option;
            Min = min;
            Max = max;
            LogScale = logScale;
            GridPoints = gridPoints;
        }

        /// <summary>The option's path, e.g. <c>"Model.MinSize"</c>.</summary>
        public string Option { get; }

        /// <summary>The values of a choice dimension; null for a range.</summary>
        public IReadOnlyList<object?>? Choices { get; }

        /// <summary>Lower end of a range.</summary>
        public double Min { get; }

        /// <summary>Upper end of a range.</summary>
        public double Max { get; }

        /// <summary>Whether a range is sampled and gridded on a log scale.</summary>
        public bool LogScale { get; }

        /// <summary>Grid points of a range.</summary>
        public int GridPoints { get; }

        /// <summary>Whether this dimension has finitely many values (a choice).</summary>
        public bool IsDiscrete => Choices is not null;

        internal object? Sample(Random random)
        {
            if (Choices is not null) return Choices[random.Next(Choices.Count)];
            double u = random.NextDouble();
            return LogScale ? Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))) : Min + u * (Max - Min);
        }

        internal IReadOnlyList<object?> GridValues()
        {
            if (Choices is not null) return Choices;
            if (GridPoints == 1 || Min == Max) return new object?[] { LogScale ? Math.Sqrt(Min * Max) : (Min + Max) / 2 };
            var values = new object?[GridPoints];
            for (int i = 0; i < GridPoints; i++)
            {
                double t = (double)i / (GridPoints - 1);
                values[i] = LogScale ? Math.Exp(Math.Log(Min) + t * (Math.Log(Max) - Math.Log(Min))) : Min + t * (Max - Min);
            }
            return values;
        }
    }
}
