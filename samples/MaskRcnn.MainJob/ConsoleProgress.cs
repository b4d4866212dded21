using System;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MaskRcnn.MainJob
{
    /// <summary>Stage headers and the trainer's progress lines (from MLContext.Log), with the job's elapsed time.</summary>
    public sealed class ConsoleProgress
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly int stages;
        private readonly Action<string> write;
        private int stage;

        public ConsoleProgress(int stages, Action<string>? write = null)
        {
            this.stages = stages;
            this.write = write ?? Console.WriteLine;
        }

        /// <summary>Forwards the informational messages of <paramref name="ml"/>'s components (training progress).</summary>
        public void Follow(MLContext ml) => ml.Log += (_, e) =>
        {
            if (e.Kind >= ChannelMessageKind.Info) Line("      " + e.RawMessage);
        };

        public void Stage(string text) => Line($"[{++stage}/{stages}] {text}");

        public void Line(string text) => write($"{clock.Elapsed:mm\\:ss} {text}");
    }
}
