using static TorchSharp.torch;

namespace TorchSharp
{
    /// <summary>Device and dtype moves for modules that return the module's own type.</summary>
    public static class ModuleExtensionMethods
    {
        public static T to<T>(this T module, Device device, bool non_blocking = false) where T : nn.Module
        {
            module._to(device.type, device.index, non_blocking);
            return module;
        }

        public static T to<T>(this T module, Device device, ScalarType type, bool non_blocking = false) where T : nn.Module
        {
            module._to(device, type, non_blocking);
            return module;
        }

        public static T to<T>(this T module, ScalarType type, bool non_blocking = false) where T : nn.Module
        {
            module._to(type, non_blocking);
            return module;
        }

        public static T to<T>(this T module, DeviceType deviceType, int deviceIndex = -1, bool non_blocking = false) where T : nn.Module
        {
            module._to(deviceType, deviceIndex, non_blocking);
            return module;
        }

        public static T to<T>(this T module, string device, bool non_blocking = false) where T : nn.Module => module.to(new Device(device), non_blocking);

        public static T to<T>(this T module, Tensor other, bool non_blocking = false) where T : nn.Module => module.to(other.device, other.dtype, non_blocking);

        public static T cpu<T>(this T module, bool non_blocking = false) where T : nn.Module => module.to(CPU, non_blocking);

        public static T cuda<T>(this T module, int deviceIndex = -1, bool non_blocking = false) where T : nn.Module =>
            module.to(DeviceType.CUDA, deviceIndex, non_blocking);

        public static T @float<T>(this T module, bool non_blocking = false) where T : nn.Module => module.to(ScalarType.Float32, non_blocking);

        public static T @double<T>(this T module, bool non_blocking = false) where T : nn.Module => module.to(ScalarType.Float64, non_blocking);

        public static T half<T>(this T module, bool non_blocking = false) where T : nn.Module => module.to(ScalarType.Float16, non_blocking);

        public static T bfloat16<T>(this T module, bool non_blocking = false) where T : nn.Module => module.to(ScalarType.BFloat16, non_blocking);
    }
}
