using System;
using System.Collections.Generic;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Data
{
    /// <summary>The base of transformers that compute each output column from one input column.</summary>
    public abstract class OneToOneTransformerBase : RowToRowTransformerBase
    {
        internal readonly (string outputColumnName, string inputColumnName)[] ColumnPairs;

        private protected OneToOneTransformerBase(IHost host, params (string outputColumnName, string inputColumnName)[] columns)
            : base(host)
        {
            host.CheckValue(columns, nameof(columns));
            var outputs = new HashSet<string>();
            foreach (var (output, input) in columns)
            {
                host.CheckNonEmpty(input, nameof(columns));
                host.CheckNonEmpty(output, nameof(columns));
                if (!outputs.Add(output))
                    throw Contracts.ExceptParam(nameof(columns), $"Name of the result column '{output}' specified multiple times");
            }
            ColumnPairs = columns;
        }

        /// <summary>Reads the column pairs: their count, then output and input name ids.</summary>
        private protected OneToOneTransformerBase(IHost host, ModelLoadContext ctx)
            : base(host)
        {
            int n = ctx.Reader.ReadInt32();
            host.CheckDecode(n >= 0 && 2L * sizeof(int) * n <= ctx.Header.CbModel, $"the column count {n} does not fit the model block");
            ColumnPairs = new (string, string)[n];
            for (int i = 0; i < n; i++)
            {
                string output = ctx.LoadNonEmptyString();
                string input = ctx.LoadNonEmptyString();
                ColumnPairs[i] = (output, input);
            }
        }

        /// <summary>Writes the column pairs: their count, then output and input name ids.</summary>
        private protected void SaveColumns(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.Writer.Write(ColumnPairs.Length);
            foreach (var (output, input) in ColumnPairs)
            {
                ctx.SaveNonEmptyString(output);
                ctx.SaveNonEmptyString(input);
            }
        }

        private void CheckInput(DataViewSchema inputSchema, int col, out int srcCol)
        {
            if (!inputSchema.TryGetColumnIndex(ColumnPairs[col].inputColumnName, out srcCol))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", ColumnPairs[col].inputColumnName);
            CheckInputColumn(inputSchema, col, srcCol);
        }

        /// <summary>Extra checks on input column <paramref name="srcCol"/> feeding output <paramref name="col"/> (type, size).</summary>
        private protected virtual void CheckInputColumn(DataViewSchema inputSchema, int col, int srcCol)
        {
        }

        /// <summary>A mapper whose output i depends on input column ColMapNewToOld[i].</summary>
        private protected abstract class OneToOneMapperBase : MapperBase
        {
            protected readonly Dictionary<int, int> ColMapNewToOld;
            private readonly OneToOneTransformerBase parent;

            protected OneToOneMapperBase(IHost host, OneToOneTransformerBase parent, DataViewSchema inputSchema)
                : base(host, inputSchema, parent)
            {
                this.parent = parent;
                ColMapNewToOld = new Dictionary<int, int>();
                for (int i = 0; i < parent.ColumnPairs.Length; i++)
                {
                    parent.CheckInput(inputSchema, i, out int srcCol);
                    ColMapNewToOld.Add(i, srcCol);
                }
            }

            private protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            {
                var active = new bool[InputSchema.Count];
                foreach (var pair in ColMapNewToOld)
                    if (activeOutput(pair.Key)) active[pair.Value] = true;
                return col => col >= 0 && col < active.Length && active[col];
            }

            private protected override void SaveModel(ModelSaveContext ctx) => parent.SaveModel(ctx);
        }
    }
}
