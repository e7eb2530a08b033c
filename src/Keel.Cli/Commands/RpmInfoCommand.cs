using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keel.Errors;
using Keel.Packaging;
using Keel.Rpm;

namespace Keel.Cli.Commands;

/// <summary>`keel rpm info FILE.rpm`: what a package file is and what it needs.</summary>
internal static class RpmInfoCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The .rpm file to read." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command(
            "info",
            "Show a package file's NEVRA, summary, sizes, dependencies of every kind, file count, payload compressor " +
            "and signature key ids. Reads only the headers.\n\nExample: keel rpm info hello-2.0-1.x86_64.rpm --json")
        {
            file, json,
        };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var info = Read(path);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(info, RpmJsonContext.Default.RpmInfoOutput));
                return ExitCodes.Ok;
            }

            output.WriteLine($"Name        : {info.Nevra}");
            output.WriteLine($"Summary     : {info.Summary}");
            output.WriteLine($"Source RPM  : {info.SourceRpm ?? "(none)"}");
            output.WriteLine($"Size        : {info.InstalledSize.ToString(CultureInfo.InvariantCulture)} installed, {info.FileSize.ToString(CultureInfo.InvariantCulture)} file");
            output.WriteLine($"Payload     : {info.PayloadFormat ?? "cpio"}, {info.PayloadCompressor}");
            output.WriteLine($"Files       : {info.FileCount.ToString(CultureInfo.InvariantCulture)}");
            output.WriteLine($"Signed by   : {(info.SignatureKeyIds.Count == 0 ? "(unsigned)" : string.Join(", ", info.SignatureKeyIds))}");
            foreach (var (kind, deps) in info.Dependencies)
            {
                foreach (var d in deps)
                {
                    var text = d.Op is null ? d.Name : $"{d.Name} {d.Op} {d.Evr}";
                    output.WriteLine($"{kind,-12}: {text}{(d.Pre ? " (pre)" : string.Empty)}");
                }
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static RpmInfoOutput Read(string path)
    {
        using var reader = RpmPackageReader.Open(path);
        var h = reader.Header;
        var m = h.ToPackageMetadata();
        var deps = new Dictionary<string, RpmInfoDependency[]>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<RpmDependencyKind>())
        {
            var list = h.GetDependencies(kind);
            if (list.Count > 0)
            {
                deps[kind.ToString().ToLowerInvariant()] = [.. list.Select(d => new RpmInfoDependency(
                    d.Dependency.Name,
                    d.Dependency.Evr is null ? null : DependencyOperators.ToSymbol(d.Dependency.Flags),
                    d.Dependency.Evr?.ToFullString(),
                    d.IsPre))];
            }
        }

        return new RpmInfoOutput(
            path,
            m.Nevra,
            m.Name,
            m.Evr.Epoch,
            m.Evr.Version,
            m.Evr.Release ?? string.Empty,
            m.Arch,
            m.Summary,
            m.SourceRpm,
            m.InstalledSize,
            new FileInfo(path).Length,
            h.GetString(RpmTags.PayloadCompressor) ?? "gzip",
            h.GetString(RpmTags.PayloadFormat),
            m.Files.Count,
            RpmPackageChecker.SignatureKeyIds(reader.Signature, path),
            deps);
    }
}
