using Keel.Install.Signing;

namespace Keel.Media.Build;

/// <summary>SHA256SUMS beside an ISO, in `sha256sum -c` format, and its armored detached signature (checked with gpgv).</summary>
public static class Sha256Sums
{
    /// <summary>Writes <paramref name="sums"/> naming <paramref name="iso"/> by file name, and sums.asc; both through temporary files.</summary>
    public static async Task WriteAsync(string iso, string sums, GpgSigner signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var (sha, _) = await MediumTree.Sha256Async(iso, cancellationToken).ConfigureAwait(false);
        var tmp = MediumBuilder.TemporaryBeside(sums);
        var tmpSig = tmp + ".asc";
        try
        {
            await File.WriteAllTextAsync(tmp, $"{sha}  {Path.GetFileName(iso)}\n", cancellationToken).ConfigureAwait(false);
            await signer.SignAsync(tmp, tmpSig, cancellationToken).ConfigureAwait(false);
            File.Move(tmp, sums, overwrite: true);
            File.Move(tmpSig, sums + ".asc", overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
            File.Delete(tmpSig);
        }
    }

    /// <summary>The SHA-256 that <paramref name="sumsText"/> lists for <paramref name="fileName"/>, or null.</summary>
    public static string? Find(string sumsText, string fileName) => sumsText.Split('\n')
        .Select(l => l.TrimEnd('\r'))
        .Where(l => l.Length > 66 && (l[64..66] == "  " || l[64..66] == " *") && l[66..] == fileName)
        .Select(l => l[..64].ToLowerInvariant())
        .FirstOrDefault();
}
