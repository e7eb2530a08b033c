using Keel.Validate;

return await ValidateCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
