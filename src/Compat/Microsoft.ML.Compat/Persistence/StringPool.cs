using System.Collections.Generic;

namespace Microsoft.ML
{
    /// <summary>The string table of a Model.key stream: each distinct string once, in order of first use.</summary>
    internal sealed class StringPool
    {
        private readonly Dictionary<string, int> ids = new Dictionary<string, int>(System.StringComparer.Ordinal);
        private readonly List<string> strings = new List<string>();

        public int Count => strings.Count;

        public IReadOnlyList<string> Strings => strings;

        /// <summary>The id of <paramref name="value"/>, adding it when new.</summary>
        public int Add(string value)
        {
            if (!ids.TryGetValue(value, out int id))
            {
                id = strings.Count;
                strings.Add(value);
                ids.Add(value, id);
            }
            return id;
        }
    }
}
