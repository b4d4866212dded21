using System;

namespace Microsoft.ML.MaskRcnn.Data
{
    /// <summary>
    /// A small deterministic generator (SplitMix64) for splits, shuffles and augmentation. Unlike System.Random its
    /// sequence is fixed by this code, so a seed reproduces the same data order on every .NET version and machine.
    /// Not thread-safe: give each thread or sample its own (see <see cref="Derive"/>).
    /// </summary>
    public sealed class SeededRandom
    {
        private ulong state;

        /// <summary>Creates a generator from a seed.</summary>
        public SeededRandom(long seed) => state = (ulong)seed;

        /// <summary>A generator for one purpose derived from a seed and up to three integers (e.g. epoch and sample index).</summary>
        public static SeededRandom Derive(long seed, long a, long b = 0, long c = 0)
        {
            var mixer = new SeededRandom(seed);
            ulong s = mixer.NextUInt64() ^ (ulong)a;
            s = new SeededRandom((long)s).NextUInt64() ^ (ulong)b;
            s = new SeededRandom((long)s).NextUInt64() ^ (ulong)c;
            return new SeededRandom((long)s);
        }

        /// <summary>The next 64 random bits.</summary>
        public ulong NextUInt64()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>A double uniform in [0, 1) (53 random bits).</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>An integer uniform in [0, <paramref name="maxExclusive"/>) (rejection sampling, no modulo bias).</summary>
        public int NextInt(int maxExclusive)
        {
            if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The bound must be positive.");
            ulong bound = (ulong)maxExclusive;
            ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
            ulong r;
            do r = NextUInt64(); while (r >= limit);
            return (int)(r % bound);
        }

        /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
        public void Shuffle<T>(Span<T> values)
        {
            for (int i = values.Length - 1; i > 0; i--)
            {
                int j = NextInt(i + 1);
                (values[i], values[j]) = (values[j], values[i]);
            }
        }
    }
}
