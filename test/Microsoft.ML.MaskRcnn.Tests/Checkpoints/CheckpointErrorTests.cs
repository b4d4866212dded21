using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.MaskRcnn.Checkpoints;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Microsoft.ML.MaskRcnn.Tests.Checkpoints.CheckpointFiles;

namespace Microsoft.ML.MaskRcnn.Tests.Checkpoints
{
    /// <summary>
    /// Bad input: each case is a clear .NET exception naming the file (and the refused global), nothing leaks, nothing
    /// from the file runs, and the process goes on.
    /// </summary>
    [TestClass]
    public class CheckpointErrorTests
    {
        private static T Fails<T>(string path, params string[] fragments) where T : Exception
        {
            long before = LiveTensors();
            var error = Assert.ThrowsExactly<T>(() => PyTorchCheckpoint.ReadStateDict(path).Dispose());
            StringAssert.Contains(error.Message, path, "the message names the file");
            foreach (var fragment in fragments) StringAssert.Contains(error.Message, fragment);
            if (error is CheckpointFormatException format) Assert.AreEqual(path, format.FilePath);
            Assert.AreEqual(before, LiveTensors(), "no tensor is left behind");
            return error;
        }

        [TestMethod]
        public void TruncatedZipCheckpoint() => Fails<CheckpointFormatException>(Path("truncated.pth"), "truncated");

        [TestMethod]
        public void TruncatedLegacyCheckpoint() => Fails<CheckpointFormatException>(Path("truncated_legacy.pth"), "truncated");

        [TestMethod]
        public void TextFile() => Fails<CheckpointFormatException>(Path("not_a_checkpoint.pth"), "neither a zip archive");

        [TestMethod]
        public void EmptyFile() => Fails<CheckpointFormatException>(Path("empty.pth"), "empty");

        [TestMethod]
        public void ZipThatIsNotACheckpoint() => Fails<CheckpointFormatException>(Path("other.zip"), "not a torch.save checkpoint", "readme.txt");

        [TestMethod]
        public void TorchScriptArchiveIsRecognised() => Fails<CheckpointFormatException>(Path("torchscript.pt"), "TorchScript", "state_dict()");

        [TestMethod]
        public void MissingStorageRecord() => Fails<CheckpointFormatException>(Path("missing_record.pth"), "data/0", "missing");

        [TestMethod]
        public void BigEndianCheckpointIsRefused() => Fails<CheckpointFormatException>(Path("big_endian.pth"), "big-endian");

        [TestMethod]
        public void MissingFile()
        {
            string path = Path("does-not-exist.pth");
            var error = Assert.ThrowsExactly<FileNotFoundException>(() => PyTorchCheckpoint.Read(path));
            StringAssert.Contains(error.Message, path);
        }

        [TestMethod]
        public void ShellCommandInThePickleIsRefusedByName()
        {
            var error = Fails<DisallowedGlobalException>(Path("evil_system.pth"), "posix.system", "allowlist");
            Assert.AreEqual("posix.system", error.GlobalName);
        }

        [TestMethod]
        public void ObjectOfAPythonClassIsRefusedByName()
        {
            var error = Fails<DisallowedGlobalException>(Path("custom_class.pth"), "__main__.Config");
            Assert.AreEqual("__main__.Config", error.GlobalName);
        }

        [TestMethod]
        public void WholePickledModelIsRefusedWithAdvice()
        {
            var error = Fails<DisallowedGlobalException>(Path("whole_model.pth"), "torch.nn.modules", "model.state_dict()");
            StringAssert.StartsWith(error.GlobalName, "torch.nn.modules.");
        }

        [TestMethod]
        public void QuantizedTensorsAreRefused() => Fails<DisallowedGlobalException>(Path("quantized.pth"), "quantized");

        [TestMethod]
        public void CheckpointWithoutAStateDictListsItsEntries()
        {
            Fails<CheckpointFormatException>(Path("no_state_dict.pth"), "no state dict", "'epoch' (an int)", "'note' (the string 'hello')",
                                             "'model' entry is a list of 2");
            using var contents = PyTorchCheckpoint.Read(Path("no_state_dict.pth")); // the file itself is fine
            Assert.AreEqual(3, ((OrderedDictionary<object, object?>)contents.Root!).Count);
        }

        // ---- crafted pickles --------------------------------------------------------------------------------

        private static void Crafted(Action<PickleBuilder> build, string[] fragments, IReadOnlyDictionary<string, byte[]>? storages = null,
                                    bool disallowed = false)
        {
            string path = ScratchFile("crafted.pth");
            try
            {
                var pickle = new PickleBuilder();
                build(pickle);
                pickle.WriteCheckpoint(path, storages);
                if (disallowed) Fails<DisallowedGlobalException>(path, fragments);
                else Fails<CheckpointFormatException>(path, fragments);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [TestMethod]
        public void ViewOutsideItsStorageIsRefusedAndTheTensorsReadBeforeAreReleased()
        {
            var storages = new Dictionary<string, byte[]> { ["0"] = new byte[16], ["1"] = new byte[16] };
            Crafted(p => p.Op('}').Mark()
                          .Str("good").FloatTensor("0", 4, 0, new[] { 2, 2 }, new[] { 2, 1 })
                          .Str("bad").FloatTensor("1", 4, 2, new[] { 3 }, new[] { 1 })
                          .Op('u').Stop(),
                    new[] { "reaches element 4 of storage '1'" }, storages);
        }

        [TestMethod]
        public void StorageRecordShorterThanItsStorage()
        {
            Crafted(p => p.Op('}').Str("w").FloatTensor("0", 4, 0, new[] { 4 }, new[] { 1 }).Op('s').Stop(),
                    new[] { "'archive/data/0' holds 8 bytes", "needs 16" }, new Dictionary<string, byte[]> { ["0"] = new byte[8] });
        }

        [TestMethod]
        public void DeeplyNestedContainersAreRefusedWithoutOverflowingTheStack()
        {
            Crafted(p =>
            {
                for (int i = 0; i < 100_000; i++) p.Op(']');
                for (int i = 0; i < 99_999; i++) p.Op('a');
                p.Stop();
            }, new[] { "nested more than 1000 deep" });
        }

        [TestMethod]
        public void DeeplyNestedTupleKeysAreRefusedWithoutOverflowingTheStack()
        {
            Crafted(p =>
            {
                p.Op('}');
                for (int k = 0; k < 2; k++)
                {
                    p.Int(1);
                    for (int i = 0; i < 100_000; i++) p.Op(0x85); // TUPLE1
                    p.Str("value");
                    p.Op('s');
                }
                p.Stop();
            }, new[] { "nested more than 100 deep" });
        }

        [TestMethod]
        public void OpcodesThatInstantiateClassesAreRefused()
        {
            Crafted(p => p.Mark().Op('i').Op(System.Text.Encoding.ASCII.GetBytes("os\nsystem\n")).Stop(), new[] { "INST/OBJ", "refused" });
            Crafted(p => p.Op(0x82, 1).Stop(), new[] { "extension registry" });
        }

        [TestMethod]
        public void EveryWayOfNamingAGlobalIsChecked()
        {
            Crafted(p => p.Global("builtins", "eval").Stop(), new[] { "builtins.eval" }, disallowed: true);
            Crafted(p => p.Str("subprocess").Str("Popen").Op(0x93).Stop(), new[] { "subprocess.Popen" }, disallowed: true); // STACK_GLOBAL
            Crafted(p => p.Global("torch", "load").Stop(), new[] { "torch.load" }, disallowed: true);
        }

        [TestMethod]
        public void AllowedClassesCannotBeCalledOutsideTheirRole()
        {
            Crafted(p => p.Global("torch", "FloatStorage").Mark().Int(3).Tuple().Op('R').Stop(), new[] { "Calling the class torch.FloatStorage is not allowed" });
            Crafted(p => p.Global("torch._utils", "_rebuild_tensor_v2").Mark().Str("x").Tuple().Op('R').Stop(), new[] { "called with 1 arguments" });
        }

        [TestMethod]
        public void MalformedPicklesNameWhatIsWrong()
        {
            Crafted(p => p.Op(0xff), new[] { "unknown or unsupported pickle opcode 0xff", "byte 2" });
            Crafted(p => p.Op((byte)'h', 7).Stop(), new[] { "memo entry 7" });
            Crafted(p => p.Op('}'), new[] { "ends before its STOP" });
            Crafted(p => p.Op('X').Op(0xff, 0xff, 0xff, 0x7f).Stop(), new[] { "claims 2147483647 bytes" });
            Crafted(p => p.Op('t').Stop(), new[] { "no MARK" });
            Crafted(p => p.Op('a').Stop(), new[] { "empty stack" });
            Crafted(p => p.Op('}').Op(0x80, 9).Stop(), new[] { "protocol 9" });
            Crafted(p => p.Mark().Str("not storage").Tuple().Op('Q').Stop(), new[] { "persistent id" });
            Crafted(p => p.Op('}').Op(']').Int(1).Op('s').Stop(), new[] { "Python cannot hash" });
        }

        [TestMethod]
        public void ReadingCarriesOnAfterEveryKindOfError()
        {
            foreach (var bad in new[] { "truncated.pth", "evil_system.pth", "other.zip", "truncated_legacy.pth" })
                Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Read(Path(bad)), bad);
            using var stateDict = PyTorchCheckpoint.ReadStateDict(Path("training.pth"));
            Assert.AreEqual(9, stateDict.Count);
        }
    }
}
