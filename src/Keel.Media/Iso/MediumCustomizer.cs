using Keel.Errors;
using Keel.Install.Engine;
using Keel.Media.Build;
using Keel.Media.Manifest;

namespace Keel.Media.Iso;

/// <summary>What `keel media customize` adds: an unattended config and/or extra installer arguments.</summary>
public sealed record MediumCustomization(string? ConfigFile, string? CommandLine);

/// <summary>
/// Makes a copy of a medium with files under keel/custom (the unattended config, extra installer arguments) and nothing
/// else changed: the tree and the ESP are taken from the original ISO byte for byte and written with the same xorriso
/// code, so the original signature still holds and `keel media verify` lists the added files as unsigned.
/// </summary>
public static class MediumCustomizer
{
    /// <summary>Writes <paramref name="output"/>; the original is checked first (integrity, with the keys it carries) so a damaged medium is not copied.</summary>
    public static async Task<IReadOnlyList<string>> CustomizeAsync(string iso, string output, MediumCustomization customization, long? sourceDateEpoch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customization);
        IsoImage.RequireIso(iso);
        var target = MediumBuilder.CheckOutput(output);
        if (target == Path.GetFullPath(iso))
        {
            throw new KeelException(ReasonCodes.InvalidInput, output, $"-o {output}: is the medium itself; write the customized copy to another file");
        }

        if (customization.ConfigFile is null && customization.CommandLine is null)
        {
            throw new ArgumentException("nothing to customize: give --config FILE and/or --cmdline ARGS");
        }

        var cmdline = customization.CommandLine?.Trim();
        if (cmdline is not null && (cmdline.Length == 0 || cmdline.Any(char.IsControl) || cmdline.Length > 4096))
        {
            throw new ArgumentException("--cmdline: one line of installer arguments (at most 4096 characters) expected");
        }

        using var work = WorkArea.Create(target);
        var tree = Path.Combine(work.Path, "tree");
        var esp = Path.Combine(work.Path, "esp.img");
        await IsoImage.ExtractAsync(iso, tree, cancellationToken).ConfigureAwait(false);
        await MediumVerifier.VerifyAsync(tree, MediumIsoVerifier.MediumKeys(tree), null, cancellationToken).ConfigureAwait(false);
        IsoImage.ExtractEsp(iso, esp);
        var (_, espSize) = MediumIsoVerifier.ReadEspDigest(Path.Combine(tree, MediumLayout.EspDigest));
        await using (var file = new FileStream(esp, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(espSize);
        }

        var info = System.Text.Json.JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(tree, MediumLayout.Info), cancellationToken).ConfigureAwait(false),
            MediumInfoJsonContext.Default.MediumInfo) ?? throw new InvalidDataException($"{iso}: {MediumLayout.Info} is empty");

        // A new customization replaces the old one as a whole.
        var custom = Path.Combine(tree, MediumLayout.CustomDirectory);
        if (Directory.Exists(custom))
        {
            Directory.Delete(custom, recursive: true);
        }

        Directory.CreateDirectory(custom);
        var added = new List<string>();
        if (customization.ConfigFile is { } config)
        {
            File.Copy(config, Path.Combine(tree, MediumLayout.CustomConfig));
            added.Add(MediumLayout.CustomConfig);
        }

        if (cmdline is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(tree, MediumLayout.CustomCommandLine), cmdline + "\n", cancellationToken).ConfigureAwait(false);
            added.Add(MediumLayout.CustomCommandLine);
        }

        if (sourceDateEpoch is { } epoch)
        {
            var time = DateTime.UnixEpoch.AddSeconds(epoch);
            foreach (var path in added.Select(a => Path.Combine(tree, a)).Append(custom))
            {
                File.SetLastWriteTimeUtc(path, time);
            }
        }

        var tmp = MediumBuilder.TemporaryBeside(target);
        try
        {
            await IsoImage.WriteAsync(tree, esp, info.VolumeLabel, tmp, sourceDateEpoch, cancellationToken).ConfigureAwait(false);
            File.Move(tmp, target, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }

        return added;
    }
}
