using System;
using MaskRcnn.MainJob;
using Microsoft.ML.MaskRcnn;

// The README's main job: see MainJob.cs.
if (Array.Exists(args, a => a is "--help" or "-h"))
{
    Console.WriteLine(MainJobSettings.Usage);
    return 0;
}
MainJobSettings settings;
try
{
    settings = MainJobSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
try
{
    MainJob.Run(settings);
    return 0;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    // Outputs already written stay where they are; say what failed without a stack trace.
    Console.Error.WriteLine($"The main job failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
