using Keel.Fuzz;
using SharpFuzz;

// Keel.Fuzz TARGET              run under afl-fuzz (bench/fuzz/run.sh), one input per fork-server round
// Keel.Fuzz TARGET FILE...      replay inputs outside afl: prints each file's outcome, exit 1 if any is a finding
// tests/*/FuzzCorpusTests.cs replay the kept inputs the same way as Targets.cs: keep the two in step.
if (args.Length == 0 || !Targets.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: Keel.Fuzz {string.Join('|', Targets.All.Keys)} [FILE...]");
    return 2;
}

var target = args[0];
if (args.Length > 1)
{
    int findings = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            Targets.All[target](File.ReadAllBytes(file));
            Console.WriteLine($"{file}: read");
        }
        catch (Exception ex) when (Targets.IsRefusal(ex))
        {
            Console.WriteLine($"{file}: refused: {ex.GetType().Name}: {ex.Message}");
        }
        catch (Exception ex)
        {
            findings++;
            Console.WriteLine($"{file}: FINDING: {ex}");
        }
    }

    return findings == 0 ? 0 : 1;
}

Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    Targets.Run(target, copy.ToArray());
});
return 0;
