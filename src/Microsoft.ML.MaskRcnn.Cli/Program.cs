using System;
using System.Threading;
using Microsoft.ML.MaskRcnn.Cli;

// The maskrcnn tool: everything happens in MaskRcnnCli.Run, which the tests call in-process. The first Ctrl-C asks the
// command to stop after its current step; a second one ends the process at once.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("maskrcnn: stopping after the current step (Ctrl-C again to quit at once)...");
    interrupt.Cancel();
};
return MaskRcnnCli.Run(args, Console.Out, Console.Error, interrupt.Token);
