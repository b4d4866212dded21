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
TorchSharp.torch.set_num_threads(1);
Console.Out.Flush();
switch (args.Length is 3 or 4 ? args[0] : "")
{
    case "model" when args.Length == 4:
    {
        int first = int.Parse(args[3], CultureInfo.InvariantCulture);
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(args[1], out var schema);
        var detector = (MaskRcnnTransformer)(model is IEnumerable<ITransformer> chain ? chain.Last() : model);
        Announce("ready");
        for (int i = 1; i <= 1000; i++)
        {
            detector.ScoreThreshold = (first + i) / 100_000.0;
            Announce($"saving {i}");
            ml.Model.SaveAtomically(model, schema, args[2]);
            Announce($"saved {i}");
        }
        return 0;
    }
    case "checkpoints" when args.Length == 3:
    {
        var trainer = new MaskRcnnTrainer(FaultTrialSetup.Trainer(int.Parse(args[2], CultureInfo.InvariantCulture), args[1]));
        trainer.StepCompleted += (_, e) => Announce($"step {e.Step}");
        trainer.Message += (_, m) => { if (m.StartsWith("Checkpoint at step ", StringComparison.Ordinal)) Announce("checkpoint " + m.Split(' ')[3]); };
        Announce("ready");
        trainer.Train(FaultTrialSetup.Data()).Model.Dispose();
        Announce("done");
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: FaultChild model <source.zip> <target.zip> <first> | checkpoints <folder> <steps>");
        return 2;
}

static void Announce(string line)
{
    Console.Out.WriteLine(line);
    Console.Out.Flush();
}
