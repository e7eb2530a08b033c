using Keel.Cli;

InstallerMemoryBudget.Apply(args);
return await KeelCli.RunAsync(args, Console.Out, Console.Error);
