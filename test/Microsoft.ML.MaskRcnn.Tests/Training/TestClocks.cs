using System;

namespace Microsoft.ML.MaskRcnn.Tests.Training
{
    /// <summary>A clock that stands still until the test moves it.</summary>
    internal sealed class FakeClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(double seconds) => ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    /// <summary>A clock that moves one second every time it is read: code under test costs exactly its reads.</summary>
    internal sealed class TickingClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks += TimeSpan.TicksPerSecond;
    }
}
