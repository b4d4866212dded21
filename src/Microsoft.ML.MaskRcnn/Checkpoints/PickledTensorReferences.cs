using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>A storage class such as <c>torch.FloatStorage</c>, as it appears in a persistent id.</summary>
    internal sealed class StorageType
    {
        public StorageType(string name, ScalarType dtype)
        {
            Name = name;
            Dtype = dtype;
        }

        /// <summary>The class name, for example <c>FloatStorage</c> or <c>UntypedStorage</c>.</summary>
        public string Name { get; }

        /// <summary>The element type; bytes for <c>UntypedStorage</c>.</summary>
        public ScalarType Dtype { get; }

        public override string ToString() => "torch." + Name;
    }

    /// <summary>
    /// One storage of the checkpoint, named by its key (the <c>data/&lt;key&gt;</c> record of the zip format, or the key
    /// of the legacy format's storage list). Produced by the unpickler; its bytes are read afterwards.
    /// </summary>
    internal sealed class StorageReference
    {
        public StorageReference(string key, ScalarType dtype, long elementCount, string location)
        {
            Key = key;
            Dtype = dtype;
            ElementCount = elementCount;
            Location = location;
        }

        public string Key { get; }

        public ScalarType Dtype { get; }

        /// <summary>Elements of <see cref="Dtype"/> (bytes for untyped storages).</summary>
        public long ElementCount { get; }

        /// <summary>Where the tensor lived when saved (<c>cpu</c>, <c>cuda:0</c>, ...); everything is read onto the CPU.</summary>
        public string Location { get; }

        public long ByteCount => ElementCount * ElementSizes.Of(Dtype);
    }

    /// <summary>
    /// A tensor as described by <c>torch._utils._rebuild_tensor_v2</c> and friends: a strided view of a storage.
    /// The unpickler only records it; <see cref="TensorMaterializer"/> builds the tensor once the storages are read.
    /// </summary>
    internal sealed class TensorReference
    {
        public TensorReference(StorageReference storage, ScalarType dtype, long storageOffset, long[] size, long[] stride, bool requiresGrad)
        {
            Storage = storage;
            Dtype = dtype;
            StorageOffset = storageOffset;
            Size = size;
            Stride = stride;
            RequiresGrad = requiresGrad;
        }

        public StorageReference Storage { get; }

        /// <summary>The tensor's element type: the storage's, or the one given to <c>_rebuild_tensor_v3</c>.</summary>
        public ScalarType Dtype { get; }

        /// <summary>Offset into the storage, in elements of <see cref="Dtype"/>.</summary>
        public long StorageOffset { get; }

        public long[] Size { get; }

        public long[] Stride { get; }

        public bool RequiresGrad { get; set; }
    }

    /// <summary>Element sizes and names of the element types a checkpoint may hold.</summary>
    internal static class ElementSizes
    {
        public static long Of(ScalarType dtype) => dtype switch
        {
            ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
            ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
            ScalarType.Int32 or ScalarType.Float32 => 4,
            ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
            ScalarType.ComplexFloat64 => 16,
            _ => throw new KeyNotFoundException($"No element size is known for {dtype}."),
        };

        /// <summary>The storage classes torch.save writes, by class name.</summary>
        public static readonly IReadOnlyDictionary<string, ScalarType> StorageClasses = new Dictionary<string, ScalarType>
        {
            ["FloatStorage"] = ScalarType.Float32,
            ["DoubleStorage"] = ScalarType.Float64,
            ["HalfStorage"] = ScalarType.Float16,
            ["BFloat16Storage"] = ScalarType.BFloat16,
            ["LongStorage"] = ScalarType.Int64,
            ["IntStorage"] = ScalarType.Int32,
            ["ShortStorage"] = ScalarType.Int16,
            ["CharStorage"] = ScalarType.Int8,
            ["ByteStorage"] = ScalarType.Byte,
            ["BoolStorage"] = ScalarType.Bool,
            ["UntypedStorage"] = ScalarType.Byte,
        };

        /// <summary>The <c>torch.&lt;dtype&gt;</c> globals (pickled dtypes), by attribute name.</summary>
        public static readonly IReadOnlyDictionary<string, ScalarType> DtypeNames = new Dictionary<string, ScalarType>
        {
            ["float32"] = ScalarType.Float32, ["float"] = ScalarType.Float32,
            ["float64"] = ScalarType.Float64, ["double"] = ScalarType.Float64,
            ["float16"] = ScalarType.Float16, ["half"] = ScalarType.Float16,
            ["bfloat16"] = ScalarType.BFloat16,
            ["int64"] = ScalarType.Int64, ["long"] = ScalarType.Int64,
            ["int32"] = ScalarType.Int32, ["int"] = ScalarType.Int32,
            ["int16"] = ScalarType.Int16, ["short"] = ScalarType.Int16,
            ["int8"] = ScalarType.Int8,
            ["uint8"] = ScalarType.Byte,
            ["bool"] = ScalarType.Bool,
            ["complex64"] = ScalarType.ComplexFloat32, ["cfloat"] = ScalarType.ComplexFloat32,
            ["complex128"] = ScalarType.ComplexFloat64, ["cdouble"] = ScalarType.ComplexFloat64,
        };

        /// <summary>Storage classes torch knows but this reader does not build (quantized and complex).</summary>
        public static readonly IReadOnlyCollection<string> RefusedStorageClasses = new HashSet<string>
        {
            "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
            "QUInt4x2Storage", "QUInt2x4Storage",
        };

        public static bool IsComplex(ScalarType dtype) => dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64;
    }
}
