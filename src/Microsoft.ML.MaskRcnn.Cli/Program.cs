using System;
using Microsoft.ML.MaskRcnn.Cli;

// The maskrcnn tool: everything happens in MaskRcnnCli.Run, which the tests call in-process.
return MaskRcnnCli.Run(args, Console.Out, Console.Error);
