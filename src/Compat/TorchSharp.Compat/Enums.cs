namespace TorchSharp
{
    /// <summary>Kinds of device a tensor can live on (codes as in c10::DeviceType).</summary>
    public enum DeviceType
    {
        CPU = 0, CUDA = 1, MKLDNN = 2, OPENGL = 3, OPENCL = 4, IDEEP = 5, HIP = 6, FPGA = 7, MSNPU = 8, XLA = 9, MPS = 13, META = 14,
    }

    /// <summary>How a convolution module pads its input.</summary>
    public enum PaddingModes { Zeros = 0, Reflect = 1, Replicate = 2, Circular = 3, Constant = 4 }

    /// <summary>Symbolic convolution padding.</summary>
    public enum Padding { Valid = 0, Same = 1 }

    /// <summary>Styles accepted by <see cref="torch.Tensor.ToString(TensorStringStyle, string?, int?, System.Globalization.CultureInfo?, string?)"/>.</summary>
    public enum TensorStringStyle { Metadata = 0, Julia = 1, Numpy = 2, CSharp = 3, Default = 4 }

    public static partial class torch
    {
        /// <summary>Element types (codes as in c10::ScalarType).</summary>
        public enum ScalarType : sbyte
        {
            Byte = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7,
            ComplexFloat32 = 9, ComplexFloat64 = 10, Bool = 11, BFloat16 = 15,
        }

        /// <summary>Rounding applied by <c>div</c>.</summary>
        public enum RoundingMode { None = 0, trunc = 1, floor = 2 }

        /// <summary>Resampling modes of <c>nn.functional.interpolate</c>.</summary>
        public enum InterpolationMode { Nearest = 0, Linear = 1, Bilinear = 2, Bicubic = 3, Trilinear = 4, Area = 5, NearestExact = 6 }

        /// <summary>Resampling modes of the Upsample module.</summary>
        public enum UpsampleMode { Nearest = 0, Linear = 1, Bilinear = 2, Bicubic = 3, Trilinear = 4 }

        /// <summary>Sampling of <c>grid_sample</c>.</summary>
        public enum GridSampleMode { Nearest = 0, Bilinear = 2 }

        /// <summary>Out-of-range handling of <c>grid_sample</c>.</summary>
        public enum GridSamplePaddingMode { Zeros = 0, Reflection = 1, Border = 2 }

        // dtype aliases: mutable static fields in TorchSharp, kept so for source compatibility.
        public static ScalarType @bool = ScalarType.Bool;
        public static ScalarType uint8 = ScalarType.Byte;
        public static ScalarType int8 = ScalarType.Int8;
        public static ScalarType int16 = ScalarType.Int16;
        public static ScalarType int32 = ScalarType.Int32;
        public static ScalarType int64 = ScalarType.Int64;
        public static ScalarType bfloat16 = ScalarType.BFloat16;
        public static ScalarType float16 = ScalarType.Float16;
        public static ScalarType float32 = ScalarType.Float32;
        public static ScalarType float64 = ScalarType.Float64;
        public static ScalarType @short = ScalarType.Int16;
        public static ScalarType @int = ScalarType.Int32;
        public static ScalarType @long = ScalarType.Int64;
        public static ScalarType half = ScalarType.Float16;
        public static ScalarType @float = ScalarType.Float32;
        public static ScalarType @double = ScalarType.Float64;
    }
}
