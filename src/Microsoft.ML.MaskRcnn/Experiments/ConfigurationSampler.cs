using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.MaskRcnn.Experiments
{
    /// <summary>Produces the configurations of an experiment: a seeded random walk or the grid in order.</summary>
    internal static class ConfigurationSampler
    {
        private const int MaxRedraws = 1000;

        public static IEnumerable<IReadOnlyDictionary<string, object?>> Enumerate(SearchSpace space, SearchStrategy strategy, int seed) =>
            strategy == SearchStrategy.Grid ? Grid(space) : Random(space, seed);

        private static IEnumerable<IReadOnlyDictionary<string, object?>> Grid(SearchSpace space)
        {
            var values = space.Dimensions.Select(d => d.GridValues()).ToArray();
            var position = new int[values.Length];
            while (true)
            {
                var configuration = new Dictionary<string, object?>();
                for (int i = 0; i < values.Length; i++) configuration[space.Dimensions[i].Option] = values[i][position[i]];
                yield return configuration;
                // Odometer: the last dimension turns fastest.
                int d = values.Length - 1;
                while (d >= 0 && ++position[d] == values[d].Count) position[d--] = 0;
                if (d < 0) yield break;
            }
        }

        private static IEnumerable<IReadOnlyDictionary<string, object?>> Random(SearchSpace space, int seed)
        {
            var random = new System.Random(seed);
            bool finite = space.Dimensions.All(d => d.IsDiscrete);
            long size = finite ? space.GridSize : long.MaxValue;
            var seen = new HashSet<string>();
            while (seen.Count < size)
            {
                Dictionary<string, object?>? configuration = null;
                for (int draw = 0; draw < MaxRedraws && configuration is null; draw++)
                {
                    var candidate = space.Dimensions.ToDictionary(d => d.Option, d => d.Sample(random));
                    if (seen.Add(Key(candidate))) configuration = candidate;
                }
                if (configuration is null) yield break;
                yield return configuration;
            }
        }

        private static string Key(IReadOnlyDictionary<string, object?> configuration) =>
            string.Join("\u001f", configuration.Select(p => p.Key + "=" + OptionPath.Describe(p.Value)));
    }
}
