using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Data.IO;
using Microsoft.ML.Runtime;

namespace Microsoft.ML
{
    /// <summary>
    /// Saves and loads models in ML.NET's zip format, and creates prediction engines. A saved model holds
    /// TrainingInfo/Version.txt, the transformer under TransformerChain/ (Model.key, with a chain's transformers in
    /// Transform_000/, Transform_001/, ...) and, when an input schema is given, a Schema entry.
    /// </summary>
    public sealed class ModelOperationsCatalog : IInternalCatalog
    {
        internal const string SchemaEntryName = "Schema";
        internal const string TransformerDirectory = "TransformerChain";
        private readonly IHostEnvironment env;

        internal ModelOperationsCatalog(IHostEnvironment env)
        {
            this.env = env;
        }

        IHostEnvironment IInternalCatalog.Environment => env;

        /// <summary>
        /// Saves <paramref name="model"/> and the schema of its input to <paramref name="stream"/> (writable, seekable).
        /// A null model is saved as an empty chain; a null schema is not saved.
        /// </summary>
        public void Save(ITransformer model, DataViewSchema inputSchema, Stream stream)
        {
            Contracts.CheckValue(stream, nameof(stream));
            using var rep = RepositoryWriter.CreateNew(stream, env);
            ModelSaveContext.SaveModel(rep, model ?? new TransformerChain<ITransformer>(), TransformerDirectory);
            if (inputSchema != null)
            {
                using var ch = env.Start("Saving Schema");
                using var entry = rep.CreateEntry(SchemaEntryName);
                SchemaBinaryFormat.Write(entry.Stream, inputSchema, ch);
            }
            rep.Commit();
        }

        /// <summary>Saves <paramref name="model"/> and the schema of its input to the file <paramref name="filePath"/>.</summary>
        public void Save(ITransformer model, DataViewSchema inputSchema, string filePath)
        {
            Contracts.CheckNonEmpty(filePath, nameof(filePath));
            using var stream = File.Create(filePath);
            Save(model, inputSchema, stream);
        }

        /// <summary>
        /// Loads a model and the schema of its input (null when the model was saved without one) from a readable,
        /// seekable stream. A damaged, truncated or foreign file throws a <see cref="FormatException"/> naming the entry.
        /// </summary>
        public ITransformer Load(Stream stream, out DataViewSchema inputSchema)
        {
            Contracts.CheckValue(stream, nameof(stream));
            return LoadCore(stream, "the model stream", out inputSchema);
        }

        /// <summary>Loads a model and the schema of its input from the file <paramref name="filePath"/>; errors name the file.</summary>
        public ITransformer Load(string filePath, out DataViewSchema inputSchema)
        {
            Contracts.CheckNonEmpty(filePath, nameof(filePath));
            using var stream = File.OpenRead(filePath);
            return LoadCore(stream, $"model file '{filePath}'", out inputSchema);
        }

        private ITransformer LoadCore(Stream stream, string sourceName, out DataViewSchema inputSchema)
        {
            using var rep = RepositoryReader.Open(stream, env, sourceName);
            using (var entry = rep.OpenEntryOrNull(SchemaEntryName))
                inputSchema = entry == null ? null : SchemaBinaryFormat.Read(entry.Stream, $"entry '{SchemaEntryName}' of {sourceName}");
            if (!ModelLoadContext.LoadModelOrNull<ITransformer, SignatureLoadModel>(env, out var model, rep, TransformerDirectory))
            {
                var names = rep.EntryNames.Take(8).ToList();
                throw new FormatException(
                    $"{char.ToUpperInvariant(sourceName[0])}{sourceName.Substring(1)} is not an ML.NET model: it has no entry " +
                    $"'{TransformerDirectory}/{ModelLoadContext.ModelStreamName}' (its entries: {(names.Count == 0 ? "none" : string.Join(", ", names))}).");
            }
            return model;
        }

        /// <summary>
        /// A prediction engine mapping <typeparamref name="TSrc"/> objects through <paramref name="transformer"/>. As in
        /// ML.NET, disposing the engine disposes the transformer (use <see cref="PredictionEngineOptions.OwnsTransformer"/> to keep it).
        /// </summary>
        public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true,
            SchemaDefinition inputSchemaDefinition = null, SchemaDefinition outputSchemaDefinition = null)
            where TSrc : class
            where TDst : class, new()
        {
            Contracts.CheckValue(transformer, nameof(transformer));
            return new PredictionEngine<TSrc, TDst>(env, transformer, ignoreMissingColumns, inputSchemaDefinition, outputSchemaDefinition, ownsTransformer: true);
        }

        /// <summary>A prediction engine whose input columns take their types from <paramref name="inputSchema"/>.</summary>
        public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, DataViewSchema inputSchema)
            where TSrc : class
            where TDst : class, new()
        {
            Contracts.CheckValue(transformer, nameof(transformer));
            Contracts.CheckValue(inputSchema, nameof(inputSchema));
            var definition = SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Read);
            foreach (var column in definition)
            {
                var match = inputSchema.GetColumnOrNull(column.ColumnName);
                if (match.HasValue) column.ColumnType = match.Value.Type;
            }
            return CreatePredictionEngine<TSrc, TDst>(transformer, false, definition);
        }

        /// <summary>A prediction engine configured by <paramref name="options"/>.</summary>
        public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, PredictionEngineOptions options)
            where TSrc : class
            where TDst : class, new()
        {
            Contracts.CheckValue(transformer, nameof(transformer));
            Contracts.CheckValue(options, nameof(options));
            return new PredictionEngine<TSrc, TDst>(env, transformer, options.IgnoreMissingColumns, options.InputSchemaDefinition,
                options.OutputSchemaDefinition, options.OwnsTransformer);
        }
    }
}
