using System.Diagnostics;
using Keel.OpenPgp;
using Keel.Rpm;

// Usage: Keel.Bench.OpenPgp KEYFILE RPM...
// Loads the key once (as keel mirror sync and keel validate do), then runs every package check (digests and signatures)
// of each RPM. Prints "packages=N good=N seconds=S"; exits 1 when a package lacks a good signature, so a broken
// verifier cannot look fast.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Keel.Bench.OpenPgp KEYFILE RPM...");
    return 2;
}

var clock = Stopwatch.StartNew();
var ring = OpenPgpKeyRing.Load(args[0]);
int good = 0;
foreach (var rpm in args.Skip(1))
{
    if (RpmPackageChecker.Verify(rpm, ring).HasGoodSignature)
    {
        good++;
    }
    else
    {
        Console.Error.WriteLine($"{rpm}: no good signature");
    }
}

clock.Stop();
Console.WriteLine($"packages={args.Length - 1} good={good} seconds={clock.Elapsed.TotalSeconds:F3}");
return good == args.Length - 1 ? 0 : 1;
