using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.Media.Iso;

namespace Keel.Cli.Commands;

/// <summary>`keel media verify installer.iso [--key KEY.asc] [--json]`: check a medium's signature and every file in it.</summary>
internal static class MediaVerifyCommand
{
    public static Command Create()
    {
        var iso = new Argument<string>("ISO") { Description = "The installer ISO (or a copy of a USB stick written from it), or the directory of a mounted or extracted medium." };
        var key = new Option<string>("--key") { Description = "The distribution's public key (armored or binary). Without it the keys the medium carries are used: that proves integrity, not origin." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of lines." };
        var cmd = new Command("verify",
            "Verify a medium on any machine: the manifest's signature, every file against it (no missing, extra or linked file), " +
            "the boot partition against its signed digest, and SHA256SUMS(.asc) when they lie beside the ISO. Files added by " +
            "'keel media customize' are listed apart as unsigned. Exit 0 verified, 1 naming the first bad file.\n\n" +
            "Example: keel media verify installer.iso --key RPM-GPG-KEY-azurelinux")
        {
            iso, key, json,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(iso)!;
            var keyFile = parse.GetValue(key);
            var asJson = parse.GetValue(json);
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            if (keyFile is null)
            {
                await stderr.WriteLineAsync("keel: WARNING: no --key given: checking with the keys the medium carries itself. This proves the medium is intact, NOT who made it; give the distribution's key with --key.")
                    .ConfigureAwait(false);
            }

            IsoVerification result;
            try
            {
                result = await MediumIsoVerifier.VerifyAsync(path, keyFile, null, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (asJson && ex is KeelException or InvalidDataException)
            {
                var bad = ex is KeelException { Reason: ReasonCodes.DigestMismatch } k ? k.Input : null;
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new MediaVerifyOutput(path, false, 0, 0, null, keyFile is null, false, null, [], ExitCodes.Describe(ex), bad),
                    MediaJsonContext.Default.MediaVerifyOutput)).ConfigureAwait(false);
                return ExitCodes.For(ex);
            }

            var m = result.Medium;
            var keyId = m.KeyId.ToUpperInvariant();
            if (asJson)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new MediaVerifyOutput(path, true, m.Files, m.Bytes, keyId, result.KeyFromMedium, result.EspChecked,
                    result.Sha256Sums, m.CustomFiles, null, null), MediaJsonContext.Default.MediaVerifyOutput)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"medium verified: {m.Files} files, signed by {keyId}{(result.KeyFromMedium ? " (a key the medium carries: integrity only)" : "")}").ConfigureAwait(false);
            await stdout.WriteLineAsync(result.EspChecked ? "boot partition: matches its signed digest" : "boot partition: not checked (a directory, or no signed digest on this medium)").ConfigureAwait(false);
            await stdout.WriteLineAsync(result.Sha256Sums).ConfigureAwait(false);
            foreach (var custom in m.CustomFiles)
            {
                await stdout.WriteLineAsync($"unsigned customization: {custom}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}
