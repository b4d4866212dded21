using System;
using System.Globalization;

namespace TorchSharp
{
    public static partial class torch
    {
        /// <summary>A device (type and index, -1 meaning the default index), e.g. <c>"cpu"</c> or <c>"cuda:1"</c>.</summary>
        public class Device
        {
            /// <summary>The kind of device.</summary>
            public DeviceType type { get; private set; }

            /// <summary>The device index; -1 means the default device of that type.</summary>
            public int index { get; private set; }

            /// <summary>Parses a description such as "cpu", "cuda" or "cuda:1".</summary>
            public Device(string description)
            {
                var parts = description.Split(':');
                if (parts.Length > 2) throw new ArgumentException($"Invalid device description '{description}'.", nameof(description));
                type = ParseType(parts[0], description);
                index = parts.Length == 2
                    ? int.Parse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture)
                    : -1;
            }

            /// <summary>Creates a device from a type name and an index.</summary>
            public Device(string deviceType, int index = -1)
            {
                type = ParseType(deviceType, deviceType);
                this.index = index;
            }

            /// <summary>Creates a device from a type and an index.</summary>
            public Device(DeviceType deviceType, int index = -1)
            {
                type = deviceType;
                this.index = index;
            }

            /// <summary>Creates a CUDA device with the given index.</summary>
            public Device(int index)
            {
                type = DeviceType.CUDA;
                this.index = index;
            }

            /// <summary>Converts a description such as "cpu" or "cuda:0" to a device.</summary>
            public static implicit operator Device(string description) => new Device(description);

            /// <summary>The description, e.g. "cpu" or "cuda:0".</summary>
            public override string ToString() =>
                index < 0 ? type.ToString().ToLowerInvariant() : $"{type.ToString().ToLowerInvariant()}:{index}";

            private static DeviceType ParseType(string name, string description)
            {
                foreach (DeviceType candidate in Enum.GetValues(typeof(DeviceType)))
                    if (string.Equals(candidate.ToString(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return candidate;
                throw new ArgumentException($"Unknown device type in '{description}'.", nameof(description));
            }
        }

        /// <summary>The CPU device.</summary>
        public static readonly Device CPU = new Device(DeviceType.CPU, -1);

        /// <summary>The meta device (shapes only, no storage).</summary>
        public static readonly Device META = new Device(DeviceType.META, -1);

        /// <summary>The default CUDA device.</summary>
        public static Device CUDA => new Device(DeviceType.CUDA, -1);

        /// <summary>Creates a device from a description.</summary>
        public static Device device(string description) => new Device(description);

        /// <summary>Creates a device from a type name and an index.</summary>
        public static Device device(string deviceType, int index = -1) => new Device(deviceType, index);

        /// <summary>Creates a device from a type and an index.</summary>
        public static Device device(DeviceType deviceType, int index = -1) => new Device(deviceType, index);

        /// <summary>Creates a CUDA device with the given index.</summary>
        public static Device device(int index) => new Device(index);
    }
}
