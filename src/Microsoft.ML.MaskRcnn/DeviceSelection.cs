using System.Globalization;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn
{
    /// <summary>
    /// Where the ML.NET components run the network, following ML.NET's TorchSharp components: <c>MLContext.GpuDeviceId</c>
    /// selects a CUDA device unless the options name a device other than "cpu"; without CUDA, <c>MLContext.FallbackToCpu</c>
    /// decides between the CPU (with a warning) and an error.
    /// </summary>
    internal static class DeviceSelection
    {
        public static string Resolve(IHostEnvironment env, string requested, IChannel? channel)
        {
            if (requested != "cpu" || env is not IHostEnvironmentInternal settings || settings.GpuDeviceId is not int id) return requested;
            if (torch.cuda.is_available()) return "cuda:" + id.ToString(CultureInfo.InvariantCulture);
            if (settings.FallbackToCpu)
            {
                channel?.Warning(MessageSensitivity.None, $"MLContext.GpuDeviceId is {id} but CUDA is not available: running on the CPU.");
                return "cpu";
            }
            throw Contracts.Except($"MLContext.GpuDeviceId is {id} but CUDA is not available; set MLContext.FallbackToCpu = true to run on the CPU.");
        }
    }
}
