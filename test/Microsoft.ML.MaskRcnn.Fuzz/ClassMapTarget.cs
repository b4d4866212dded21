using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.ML.MaskRcnn.Cli;

namespace Microsoft.ML.MaskRcnn.Fuzz
{
    /// <summary>The CLI's --class-map CSV ("image file name,mask value,class name" per line), with the classes a, b, c.</summary>
    internal sealed class ClassMapTarget : FuzzTarget
    {
        private static readonly string[] Classes = { "a", "b", "c" };

        public override string Name => "class-map";

        public override string Description => "ClassMapFile.Read and the lookup it returns";

        protected override void Parse(byte[] input)
        {
            string path = ScratchPath(".csv");
            File.WriteAllBytes(path, input);
            var map = ClassMapFile.Read(path, Classes);
            foreach (var (image, value) in new[] { ("1.png", 1), ("x.png", 2), ("", 0) })
            {
                try
                {
                    int label = map(image, value);
                    if (label < 1 || label > Classes.Length) throw new FuzzFinding($"label {label} outside 1..{Classes.Length}");
                }
                catch (InvalidDataException)
                {
                    // An instance the map does not list: a clear error naming it.
                }
            }
        }

        protected override bool IsContractError(Exception e) => e is InvalidDataException;

        public override IEnumerable<(string, byte[])> Seeds()
        {
            yield return ("map.csv", Encoding.UTF8.GetBytes("# image,value,class\n1.png,1,a\n1.png,2,b\n\nx.png, 2 ,c\n"));
        }
    }
}
