using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>A catalog that knows its environment (friend-only, as in ML.NET).</summary>
    internal interface IInternalCatalog
    {
        IHostEnvironment Environment { get; }
    }

    /// <summary>The environment behind a catalog, for catalog extension methods in ML.NET and friend assemblies.</summary>
    internal static class CatalogUtils
    {
        public static IHostEnvironment GetEnvironment(this TransformsCatalog catalog) => Environment(catalog, nameof(catalog));

        public static IHostEnvironment GetEnvironment(this DataOperationsCatalog catalog) => Environment(catalog, nameof(catalog));

        public static IHostEnvironment GetEnvironment(this ModelOperationsCatalog catalog) => Environment(catalog, nameof(catalog));

        private static IHostEnvironment Environment(IInternalCatalog catalog, string name) =>
            (catalog ?? throw new ArgumentNullException(name)).Environment;
    }
}
