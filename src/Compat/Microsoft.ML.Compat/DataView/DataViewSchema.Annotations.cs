using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML
{
    public sealed partial class DataViewSchema
    {
        /// <summary>
        /// Extra information attached to a column (key values, slot names, ...): a one-row table whose columns are the
        /// annotation kinds.
        /// </summary>
        public sealed class Annotations
        {
            private static readonly Annotations empty = new Annotations(new DataViewSchema(Array.Empty<DetachedColumn>()), Array.Empty<Delegate>());
            private readonly Delegate[] getters;

            internal Annotations(DataViewSchema schema, Delegate[] getters)
            {
                Schema = schema;
                this.getters = getters;
            }

            /// <summary>The annotation kinds and their types.</summary>
            public DataViewSchema Schema { get; }

            /// <summary>No annotations.</summary>
            public static Annotations Empty => empty;

            /// <summary>A getter for the annotation described by <paramref name="column"/> (a column of <see cref="Schema"/>).</summary>
            public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
                    throw new ArgumentOutOfRangeException(nameof(column), $"Annotation '{column.Name}' is not in this set of annotations.");
                if (getters[column.Index] is ValueGetter<TValue> getter) return getter;
                throw new InvalidOperationException(
                    $"Invalid call to '{nameof(GetGetter)}' for annotation '{column.Name}': expected type '{getters[column.Index].GetType().GetGenericArguments().FirstOrDefault()}', got '{typeof(TValue)}'.");
            }

            /// <summary>Reads the annotation of kind <paramref name="kind"/>.</summary>
            public void GetValue<TValue>(string kind, ref TValue value)
            {
                var column = Schema.GetColumnOrNull(kind)
                    ?? throw new InvalidOperationException($"Invalid call to '{nameof(GetValue)}': annotation '{kind}' is absent.");
                GetGetter<TValue>(column)(ref value);
            }

            /// <summary>The annotation kinds, comma separated.</summary>
            public override string ToString() => string.Join(", ", Schema.Select(x => x.Name));

            internal Delegate GetGetterDelegate(int index) => getters[index];

            /// <summary>Builds a set of annotations.</summary>
            public sealed class Builder
            {
                private readonly List<(string Name, DataViewType Type, Delegate Getter, Annotations Annotations)> items = new();

                /// <summary>An empty builder.</summary>
                public Builder()
                {
                }

                /// <summary>Adds the annotations of <paramref name="annotations"/> whose kind <paramref name="selector"/> accepts.</summary>
                public void Add(Annotations annotations, Func<string, bool> selector)
                {
                    if (annotations == null) throw new ArgumentNullException(nameof(annotations));
                    if (selector == null) throw new ArgumentNullException(nameof(selector));
                    foreach (var column in annotations.Schema)
                        if (selector(column.Name))
                            items.Add((column.Name, column.Type, annotations.getters[column.Index], column.Annotations));
                }

                /// <summary>Adds an annotation read by <paramref name="getter"/>.</summary>
                public void Add<TValue>(string name, DataViewType type, ValueGetter<TValue> getter, Annotations annotations = null)
                {
                    if (string.IsNullOrEmpty(name)) throw new ArgumentException("An annotation needs a non-empty kind.", nameof(name));
                    if (type == null) throw new ArgumentNullException(nameof(type));
                    if (getter == null) throw new ArgumentNullException(nameof(getter));
                    if (type.RawType != typeof(TValue))
                        throw new ArgumentException($"The raw type of {type} is {type.RawType}, not {typeof(TValue)}.", nameof(getter));
                    items.Add((name, type, getter, annotations));
                }

                /// <summary>Adds an annotation read by <paramref name="getter"/>, a ValueGetter of the type's raw type.</summary>
                public void Add(string name, DataViewType type, Delegate getter, Annotations annotations = null)
                {
                    if (type == null) throw new ArgumentNullException(nameof(type));
                    if (getter == null) throw new ArgumentNullException(nameof(getter));
                    if (getter.GetType() != typeof(ValueGetter<>).MakeGenericType(type.RawType))
                        throw new ArgumentException($"The getter must be a ValueGetter<{type.RawType.Name}>.", nameof(getter));
                    if (string.IsNullOrEmpty(name)) throw new ArgumentException("An annotation needs a non-empty kind.", nameof(name));
                    items.Add((name, type, getter, annotations));
                }

                /// <summary>Adds an annotation with a constant primitive value.</summary>
                public void AddPrimitiveValue<TValue>(string name, PrimitiveDataViewType type, TValue value, Annotations annotations = null)
                {
                    if (type == null) throw new ArgumentNullException(nameof(type));
                    if (type.RawType != typeof(TValue))
                        throw new ArgumentException($"The raw type of {type} is {type.RawType}, not {typeof(TValue)}.", nameof(value));
                    Add(name, type, (ref TValue dst) => dst = value, annotations);
                }

                /// <summary>The annotations added so far.</summary>
                public Annotations ToAnnotations()
                {
                    var schema = new DataViewSchema(items.Select(x => new DetachedColumn(x.Name, x.Type, x.Annotations)));
                    return new Annotations(schema, items.Select(x => x.Getter).ToArray());
                }
            }
        }
    }
}
