using System;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Compat.Tests
{
    /// <summary>A row naming an image file.</summary>
    public sealed class ImagePathRow
    {
        public string ImagePath;
    }

    /// <summary>The pixels of a 3 x 8 x 8 image.</summary>
    public sealed class PixelsRow
    {
        [VectorType(3, 8, 8)]
        public float[] Pixels;
    }

    /// <summary>Scalars of every primitive kind.</summary>
    public sealed class ScalarRow
    {
        public float Single;
        public double Double;
        public int Int32;
        public long Int64;
        public byte Byte;
        public sbyte SByte;
        public short Int16;
        public ushort UInt16;
        public uint UInt32;
        public ulong UInt64;
        public bool Boolean;
        public DateTime When { get; set; }
        public TimeSpan Duration { get; set; }

        [ColumnName("Renamed")]
        public string Text { get; set; }

        [NoColumn]
        public string Ignored { get; set; }
    }

    /// <summary>Vectors: fixed, variable, multi-dimensional, VBuffer and text.</summary>
    public sealed class VectorRow
    {
        [VectorType(3)]
        public float[] Fixed;

        public double[] Variable;

        [VectorType(2, 3)]
        public int[] Matrix;

        public VBuffer<float> Sparse;

        public string[] Words;
    }

    /// <summary>Keys: a scalar and a vector of keys.</summary>
    public sealed class KeyRow
    {
        [KeyType(10)]
        public uint Label;

        [KeyType(5)]
        public uint[] Labels;

        [KeyType(3)]
        public byte Small;
    }

    /// <summary>Text as string and as memory.</summary>
    public sealed class TextRow
    {
        public string Name;

        public ReadOnlyMemory<char> Memory;
    }

    /// <summary>Images of a fixed size and of any size.</summary>
    public sealed class ImageRow
    {
        [ImageType(4, 6)]
        public MLImage Fixed;

        [ImageType]
        public MLImage Any;
    }
}
