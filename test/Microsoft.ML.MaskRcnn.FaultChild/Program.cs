using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.MaskRcnn;
using Microsoft.ML.MaskRcnn.TestUtilities;
using Microsoft.ML.MaskRcnn.Training;

// Writes files over and over until killed, announcing each on stdout so that the parent knows which versions were
// complete when it killed this process:
//   model <source.zip> <target.zip> <first>   loads source, then saves it to target with SaveAtomically, save i with
//                                     score threshold (first + i)/100000 (tells the versions apart, also across
//                                     runs): "saving i", then "saved i".
//   checkpoints <folder> <steps>      FaultTrialSetup's run, a checkpoint after each step: "checkpoint <step>" once written.
// Also the tests' fresh process for what the library does when it loads:
//   huge-pages [torch-first]          whether libtorch allocates for huge pages (HugePageAllocation), and the process's
//                                     AnonHugePages (KiB) before and after filling a 64 MiB tensor; torch-first: a
//                                     TorchSharp tensor is allocated before the library is touched.
//   freed-memory [bytes]              the process's RssAnon (KiB) with 2,000 filled 64 KiB tensors, after freeing all but
//                                     the last (which keeps glibc's heap from shrinking at its top), and after
//                                     FreedMemory.ReturnToSystem (with bytes: ReturnToSystemBefore(bytes)).
// Each mode is a function of its own, compiled when first called: the huge-pages mode relies on this process touching the
// library only where it says.
Console.Out.Flush();
return args switch
{
    ["model", _, _, _] => SaveModelsUntilKilled(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)),
    ["checkpoints", _, _] => WriteCheckpointsUntilKilled(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
    ["huge-pages"] => HugePageReport(torchFirst: false),
    ["huge-pages", "torch-first"] => HugePageReport(torchFirst: true),
    ["freed-memory"] => FreedMemoryReport(null),
    ["freed-memory", _] => FreedMemoryReport(long.Parse(args[1], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int SaveModelsUntilKilled(string source, string target, int first)
{
    TorchSharp.torch.set_num_threads(1);
    var ml = new MLContext(seed: 1);
    var model = ml.Model.Load(source, out var schema);
    var detector = (MaskRcnnTransformer)(model is IEnumerable<ITransformer> chain ? chain.Last() : model);
    Announce("ready");
    for (int i = 1; i <= 1000; i++)
    {
        detector.ScoreThreshold = (first + i) / 100_000.0;
        Announce($"saving {i}");
        ml.Model.SaveAtomically(model, schema, target);
        Announce($"saved {i}");
    }
    return 0;
}

static int WriteCheckpointsUntilKilled(string folder, int steps)
{
    TorchSharp.torch.set_num_threads(1);
    var trainer = new MaskRcnnTrainer(FaultTrialSetup.Trainer(steps, folder));
    trainer.StepCompleted += (_, e) => Announce($"step {e.Step}");
    trainer.Message += (_, m) => { if (m.StartsWith("Checkpoint at step ", StringComparison.Ordinal)) Announce("checkpoint " + m.Split(' ')[3]); };
    Announce("ready");
    trainer.Train(FaultTrialSetup.Data()).Model.Dispose();
    Announce("done");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: FaultChild model <source.zip> <target.zip> <first> | checkpoints <folder> <steps> | huge-pages [torch-first] | freed-memory [bytes]");
    return 2;
}

static int HugePageReport(bool torchFirst)
{
    if (torchFirst) AllocateWithTorchSharpOnly();
    bool active = IsHugePageAllocationActive();
    long before = AnonHugePagesKiB();
    using var filled = TorchSharp.torch.ones(16L << 20);
    long after = AnonHugePagesKiB();
    Announce(string.Create(CultureInfo.InvariantCulture, $"huge-pages active={active} anon-huge-kib-before={before} after={after}"));
    return 0;
}

static int FreedMemoryReport(long? allocationBytes)
{
    // 64 KiB each: below glibc's initial threshold for mapping a block on its own (128 KiB), so they come from its heap.
    var tensors = Enumerable.Range(0, 2000).Select(_ => TorchSharp.torch.ones(16L << 10)).ToList();
    long filled = ProcessStatusKiB("RssAnon:");
    foreach (var tensor in tensors.Take(tensors.Count - 1)) tensor.Dispose();
    long freed = ProcessStatusKiB("RssAnon:");
    if (allocationBytes is long bytes) Microsoft.ML.MaskRcnn.Native.FreedMemory.ReturnToSystemBefore(bytes);
    else Microsoft.ML.MaskRcnn.Native.FreedMemory.ReturnToSystem();
    long returned = ProcessStatusKiB("RssAnon:");
    tensors[^1].Dispose();
    Announce(string.Create(CultureInfo.InvariantCulture, $"freed-memory filled={filled} freed={freed} returned={returned}"));
    return 0;
}

static void AllocateWithTorchSharpOnly() => TorchSharp.torch.ones(1 << 20).Dispose();

static bool IsHugePageAllocationActive() => Microsoft.ML.MaskRcnn.Native.HugePageAllocation.IsActive();

static long AnonHugePagesKiB() => ProcFileKiB("/proc/self/smaps_rollup", "AnonHugePages:") ?? 0;

static long ProcessStatusKiB(string field) =>
    ProcFileKiB("/proc/self/status", field) ?? throw new InvalidOperationException($"/proc/self/status has no {field}");

// A "Field:  N kB" line of a /proc file, in KiB; null where the file has no such line.
static long? ProcFileKiB(string path, string field)
{
    foreach (var line in System.IO.File.ReadLines(path))
        if (line.StartsWith(field, StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    return null;
}

static void Announce(string line)
{
    Console.Out.WriteLine(line);
    Console.Out.Flush();
}
