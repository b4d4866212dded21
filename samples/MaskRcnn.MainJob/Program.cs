using System;
using MaskRcnn.MainJob;

// The README's main job: see MainJob.cs.
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
MainJob.Run(settings);
return 0;
