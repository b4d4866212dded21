using System;
using System.IO;

namespace Microsoft.ML.MaskRcnn.Checkpoints
{
    /// <summary>
    /// A file that cannot be read as a PyTorch checkpoint: not a checkpoint at all, truncated or corrupt, written in a
    /// format that is not supported, or holding something the reader refuses to build. The message names the file and
    /// says what was wrong; nothing of the file has been kept (every tensor read so far is disposed).
    /// </summary>
    public class CheckpointFormatException : IOException
    {
        /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the problem.</summary>
        public CheckpointFormatException(string filePath, string problem, Exception? innerException = null)
            : base($"Cannot read the PyTorch checkpoint '{filePath}': {problem}", innerException)
        {
            FilePath = filePath;
            Problem = problem;
        }

        /// <summary>The checkpoint file (as given to the reader).</summary>
        public string FilePath { get; }

        /// <summary>What was wrong, without the file name.</summary>
        public string Problem { get; }
    }

    /// <summary>
    /// The checkpoint's pickle refers to a Python global (a function or class) outside the reader's allowlist. The reader
    /// never imports or runs Python code; it stops at the first such reference, before anything is built from it.
    /// </summary>
    public sealed class DisallowedGlobalException : CheckpointFormatException
    {
        /// <summary>Creates the exception for <paramref name="filePath"/> and the global <c>module.name</c>.</summary>
        public DisallowedGlobalException(string filePath, string globalName, string problem)
            : base(filePath, problem)
        {
            GlobalName = globalName;
        }

        /// <summary>The refused global as <c>module.name</c>, for example <c>posix.system</c>.</summary>
        public string GlobalName { get; }
    }
}
