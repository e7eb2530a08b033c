using Keel.Cli;

return await KeelCli.RunAsync(args, Console.Out, Console.Error);
