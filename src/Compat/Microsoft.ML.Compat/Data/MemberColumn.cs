using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;

namespace Microsoft.ML.Data
{
    /// <summary>
    /// Binds one field or property of <typeparamref name="TRow"/> to a column: makes getters that read the member of
    /// the current object as the column's raw type (string as text, arrays as vectors), and fillers that write a row's
    /// value into the member.
    /// </summary>
    internal abstract class MemberColumn<TRow>
        where TRow : class
    {
        protected MemberColumn(SchemaDefinition.Column definition, MemberInfo member)
        {
            Definition = definition;
            Member = member;
        }

        public SchemaDefinition.Column Definition { get; }

        public MemberInfo Member { get; }

        public string ColumnName => Definition.ColumnName;

        public DataViewType ColumnType => Definition.ColumnType;

        /// <summary>The raw type this member reads and writes (text for string, VBuffer for arrays).</summary>
        public abstract Type RawType { get; }

        /// <summary>A ValueGetter of <see cref="RawType"/> reading the member of the object <paramref name="current"/> returns.</summary>
        public abstract Delegate MakeGetter(Func<TRow> current);

        /// <summary>An action that copies the current value of <paramref name="column"/> of <paramref name="row"/> into the member.</summary>
        public abstract Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column);

        /// <summary>Binds every column of <paramref name="definition"/> to its member of <typeparamref name="TRow"/>.</summary>
        public static IReadOnlyList<MemberColumn<TRow>> Bind(SchemaDefinition definition)
        {
            var result = new List<MemberColumn<TRow>>();
            foreach (var column in definition)
            {
                var member = (MemberInfo)typeof(TRow).GetField(column.MemberName, BindingFlags.Public | BindingFlags.Instance)
                    ?? typeof(TRow).GetProperty(column.MemberName, BindingFlags.Public | BindingFlags.Instance)
                    ?? throw new ArgumentOutOfRangeException(nameof(definition), $"No public field or property '{column.MemberName}' in {typeof(TRow)}.");
                result.Add(Create(column, member));
            }
            return result;
        }

        private static MemberColumn<TRow> Create(SchemaDefinition.Column definition, MemberInfo member)
        {
            if (definition.ColumnType == null)
                throw new ArgumentOutOfRangeException(nameof(definition), $"Column '{definition.ColumnName}' has no type.");
            Type memberType = SchemaDefinition.MemberType(member);
            Type raw = definition.ColumnType.RawType;
            Type implementation;
            if (memberType == raw)
                implementation = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
                    ? typeof(VBufferMemberColumn<,>).MakeGenericType(typeof(TRow), raw.GetGenericArguments()[0])
                    : typeof(SameTypeMemberColumn<,>).MakeGenericType(typeof(TRow), raw);
            else if (memberType == typeof(string) && raw == typeof(ReadOnlyMemory<char>))
                implementation = typeof(StringMemberColumn<>).MakeGenericType(typeof(TRow));
            else if (memberType.IsArray && raw == typeof(VBuffer<>).MakeGenericType(memberType.GetElementType()))
                implementation = typeof(ArrayMemberColumn<,>).MakeGenericType(typeof(TRow), memberType.GetElementType());
            else if (memberType == typeof(string[]) && raw == typeof(VBuffer<ReadOnlyMemory<char>>))
                implementation = typeof(StringArrayMemberColumn<>).MakeGenericType(typeof(TRow));
            else
                throw new InvalidOperationException(
                    $"Can't bind the IDataView column '{definition.ColumnName}' of type '{definition.ColumnType}' to field or property '{member.Name}' of type '{memberType}'.");
            return (MemberColumn<TRow>)Activator.CreateInstance(implementation, definition, member);
        }

        /// <summary>Checks that a data view column can fill this member; the message names both.</summary>
        public void CheckCompatible(DataViewSchema.Column column)
        {
            bool ok = column.Type.RawType == RawType;
            if (ok && column.Type is VectorDataViewType dataVector && ColumnType is VectorDataViewType memberVector && memberVector.IsKnownSize)
                ok = dataVector.Size == memberVector.Size;
            if (!ok)
                throw new InvalidOperationException(
                    $"Can't bind the IDataView column '{column.Name}' of type '{column.Type}' to field or property '{Member.Name}' of type '{SchemaDefinition.MemberType(Member)}'.");
        }

        protected static Func<TRow, T> CompileGetter<T>(MemberInfo member)
        {
            var row = Expression.Parameter(typeof(TRow), "row");
            Expression access = Expression.MakeMemberAccess(row, member);
            return Expression.Lambda<Func<TRow, T>>(access, row).Compile();
        }

        protected static Action<TRow, T> CompileSetter<T>(MemberInfo member)
        {
            if (member is PropertyInfo p && p.GetSetMethod() == null)
                return (_, _) => throw new InvalidOperationException($"Property '{member.Name}' of {typeof(TRow)} has no public setter.");
            if (member is FieldInfo f && f.IsInitOnly)
                return (_, _) => throw new InvalidOperationException($"Field '{member.Name}' of {typeof(TRow)} is read-only.");
            var row = Expression.Parameter(typeof(TRow), "row");
            var value = Expression.Parameter(typeof(T), "value");
            var assign = Expression.Assign(Expression.MakeMemberAccess(row, member), value);
            return Expression.Lambda<Action<TRow, T>>(assign, row, value).Compile();
        }

        protected Func<TRow, T> SafeGetter<T>(MemberInfo member)
        {
            if (member is PropertyInfo p && p.GetGetMethod() == null)
                return _ => throw new InvalidOperationException($"Property '{member.Name}' of {typeof(TRow)} has no public getter.");
            return CompileGetter<T>(member);
        }
    }

    /// <summary>Members whose type is the column's raw type (numbers, keys, bool, text memory, images, ...).</summary>
    internal sealed class SameTypeMemberColumn<TRow, T> : MemberColumn<TRow>
        where TRow : class
    {
        private readonly Func<TRow, T> get;
        private readonly Action<TRow, T> set;

        public SameTypeMemberColumn(SchemaDefinition.Column definition, MemberInfo member)
            : base(definition, member)
        {
            get = SafeGetter<T>(member);
            set = CompileSetter<T>(member);
        }

        public override Type RawType => typeof(T);

        public override Delegate MakeGetter(Func<TRow> current) => (ValueGetter<T>)((ref T dst) => dst = get(current()));

        public override Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<T>(column);
            return obj =>
            {
                T value = default;
                getter(ref value);
                set(obj, value);
            };
        }
    }

    /// <summary>String members of text columns.</summary>
    internal sealed class StringMemberColumn<TRow> : MemberColumn<TRow>
        where TRow : class
    {
        private readonly Func<TRow, string> get;
        private readonly Action<TRow, string> set;

        public StringMemberColumn(SchemaDefinition.Column definition, MemberInfo member)
            : base(definition, member)
        {
            get = SafeGetter<string>(member);
            set = CompileSetter<string>(member);
        }

        public override Type RawType => typeof(ReadOnlyMemory<char>);

        public override Delegate MakeGetter(Func<TRow> current) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = (get(current()) ?? "").AsMemory());

        public override Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
            return obj =>
            {
                ReadOnlyMemory<char> value = default;
                getter(ref value);
                set(obj, value.ToString());
            };
        }
    }

    /// <summary>Array members of vector columns; a fixed-size column checks each array's length.</summary>
    internal sealed class ArrayMemberColumn<TRow, TItem> : MemberColumn<TRow>
        where TRow : class
    {
        private readonly Func<TRow, TItem[]> get;
        private readonly Action<TRow, TItem[]> set;

        public ArrayMemberColumn(SchemaDefinition.Column definition, MemberInfo member)
            : base(definition, member)
        {
            get = SafeGetter<TItem[]>(member);
            set = CompileSetter<TItem[]>(member);
        }

        public override Type RawType => typeof(VBuffer<TItem>);

        public override Delegate MakeGetter(Func<TRow> current)
        {
            int size = ColumnType is VectorDataViewType v ? v.Size : 0;
            return (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> dst) =>
            {
                var array = get(current()) ?? Array.Empty<TItem>();
                if (size > 0 && array.Length != size)
                    throw new InvalidOperationException(
                        $"Incorrect length of column '{ColumnName}': the vector type has {size} items but member '{Member.Name}' holds {array.Length}.");
                VBuffer<TItem>.Copy(array, 0, ref dst, array.Length);
            });
        }

        public override Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<VBuffer<TItem>>(column);
            var buffer = default(VBuffer<TItem>);
            return obj =>
            {
                getter(ref buffer);
                var array = new TItem[buffer.Length];
                buffer.CopyTo(array);
                set(obj, array);
            };
        }
    }

    /// <summary>String array members of text vector columns.</summary>
    internal sealed class StringArrayMemberColumn<TRow> : MemberColumn<TRow>
        where TRow : class
    {
        private readonly Func<TRow, string[]> get;
        private readonly Action<TRow, string[]> set;

        public StringArrayMemberColumn(SchemaDefinition.Column definition, MemberInfo member)
            : base(definition, member)
        {
            get = SafeGetter<string[]>(member);
            set = CompileSetter<string[]>(member);
        }

        public override Type RawType => typeof(VBuffer<ReadOnlyMemory<char>>);

        public override Delegate MakeGetter(Func<TRow> current)
        {
            int size = ColumnType is VectorDataViewType v ? v.Size : 0;
            return (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) =>
            {
                var array = get(current()) ?? Array.Empty<string>();
                if (size > 0 && array.Length != size)
                    throw new InvalidOperationException(
                        $"Incorrect length of column '{ColumnName}': the vector type has {size} items but member '{Member.Name}' holds {array.Length}.");
                var editor = VBufferEditor.Create(ref dst, array.Length);
                for (int i = 0; i < array.Length; i++) editor.Values[i] = (array[i] ?? "").AsMemory();
                dst = editor.Commit();
            });
        }

        public override Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            var buffer = default(VBuffer<ReadOnlyMemory<char>>);
            return obj =>
            {
                getter(ref buffer);
                set(obj, buffer.DenseValues().Select(m => m.ToString()).ToArray());
            };
        }
    }

    /// <summary>VBuffer members of vector columns (values are copied, so rows never share buffers).</summary>
    internal sealed class VBufferMemberColumn<TRow, TItem> : MemberColumn<TRow>
        where TRow : class
    {
        private readonly Func<TRow, VBuffer<TItem>> get;
        private readonly Action<TRow, VBuffer<TItem>> set;

        public VBufferMemberColumn(SchemaDefinition.Column definition, MemberInfo member)
            : base(definition, member)
        {
            get = SafeGetter<VBuffer<TItem>>(member);
            set = CompileSetter<VBuffer<TItem>>(member);
        }

        public override Type RawType => typeof(VBuffer<TItem>);

        public override Delegate MakeGetter(Func<TRow> current) =>
            (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> dst) => get(current()).CopyTo(ref dst));

        public override Action<TRow> MakeFiller(DataViewRow row, DataViewSchema.Column column)
        {
            var getter = row.GetGetter<VBuffer<TItem>>(column);
            return obj =>
            {
                var value = default(VBuffer<TItem>);
                getter(ref value);
                var copy = default(VBuffer<TItem>);
                value.CopyTo(ref copy);
                set(obj, copy);
            };
        }
    }
}
