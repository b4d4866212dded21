using System.Collections.Generic;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>An entry present on both sides with different shapes; it is not loaded.</summary>
    public sealed class StateDictShapeMismatch
    {
        /// <summary>Creates the record.</summary>
        public StateDictShapeMismatch(string key, long[] expectedShape, long[] foundShape)
        {
            Key = key;
            ExpectedShape = expectedShape;
            FoundShape = foundShape;
        }

        /// <summary>The entry's name.</summary>
        public string Key { get; }

        /// <summary>The module's shape.</summary>
        public IReadOnlyList<long> ExpectedShape { get; }

        /// <summary>The state dict's shape.</summary>
        public IReadOnlyList<long> FoundShape { get; }

        /// <summary><c>key: module [a, b], state dict [c, d]</c>.</summary>
        public override string ToString() => $"{Key}: module [{string.Join(", ", ExpectedShape)}], state dict [{string.Join(", ", FoundShape)}]";
    }
}
