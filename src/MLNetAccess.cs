// The product is an ML.NET component written as ML.NET writes its own (LoadableClass, ModelSaveContext,
// RowToRowTransformerBase), an API ML.NET keeps internal. It compiles against copies of these assemblies with that API
// opened (see the product's project file); these attributes tell the runtime to let it use the real ones.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.ImageAnalytics")]
