using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.MaskRcnn.Tests.MLNet
{
    /// <summary>Taking a saved ML.NET model zip apart, putting it back together, and loading it expecting a refusal.</summary>
    internal static class ModelZip
    {
        public static Dictionary<string, byte[]> Entries(byte[] bytes)
        {
            using var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            return archive.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
        }

        public static byte[] Zip(Dictionary<string, byte[]> entries)
        {
            using var stream = new MemoryStream();
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, bytes) in entries)
                {
                    using var s = archive.CreateEntry(name).Open();
                    s.Write(bytes);
                }
            return stream.ToArray();
        }

        /// <summary>
        /// The <see cref="FormatException"/> that loading <paramref name="bytes"/> fails with. ML.NET calls a component's
        /// loader by reflection and lets the wrappers through (TargetInvocationException, InvalidOperationException "Error
        /// during class instantiation"), so the product's account is the outermost FormatException of the chain.
        /// </summary>
        public static FormatException LoadFails(byte[] bytes)
        {
            var thrown = Assert.Throws<Exception>(() => new MLContext().Model.Load(new MemoryStream(bytes), out _));
            for (Exception? e = thrown; e is not null; e = e.InnerException)
                if (e is FormatException format) return format;
            Assert.Fail($"no FormatException in the chain: {thrown}");
            return null!;
        }
    }
}
