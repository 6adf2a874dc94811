using Checkpointing.Cli;

return CkptCommandLine.Run(args);
