using Keel.Errors;
using Keel.Media;

namespace Keel.Installer;

/// <summary>Where the unattended config came from (for people) and the local file it is read from.</summary>
public sealed record ConfigSource(string Origin, string Path);

/// <summary>
/// Finds the unattended config, in this order: keel.config= on the kernel command line (an http(s) URL fetched with a
/// timeout and a size limit, a file:// URL, or a path in the live system or, failing that, on the medium); the config
/// embedded on the medium by `keel media customize --config` (keel/custom/keel.yaml); keel.yaml on a filesystem labelled
/// KEELCFG (a FAT stick is read with mtools, anything else mounted read-only). Whatever the source, the config is copied to
/// a local file first, so the plan's fingerprint covers exactly the bytes that were read.
/// </summary>
public sealed class ConfigDiscovery(ISystemAccess system, InstallerOptions options, HttpMessageHandler? httpHandler = null)
{
    /// <summary>The label of the USB stick holding keel.yaml.</summary>
    public const string StickLabel = "KEELCFG";

    /// <summary>The file name looked for on that stick.</summary>
    public const string StickFile = "keel.yaml";

    /// <summary>The config, or null when there is none anywhere. A source that is named but cannot be read throws a KeelException naming it.</summary>
    public async Task<ConfigSource?> FindAsync(string medium, InstallerArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Config is { } location)
        {
            return await FromCommandLineAsync(medium, location, cancellationToken).ConfigureAwait(false);
        }

        var embedded = Path.Combine(medium, MediumLayout.CustomConfig);
        if (File.Exists(embedded))
        {
            return new ConfigSource($"the medium ({MediumLayout.CustomConfig})", embedded);
        }

        return await FromStickAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The console text for a machine with no config: the three ways to give one, with examples.</summary>
    public static string HowToProvide(string medium) =>
        $"""
        No install config was found, so nothing will be installed. Give the installer a keel/v1 machine config
        (the same file `keel install` reads, with storage.disk selecting the disk) in one of three ways:

          1. On the kernel command line (edit the boot entry, or add it to the medium with
             keel media customize installer.iso --cmdline 'keel.config=...' -o custom.iso):
               keel.config=http://192.0.2.10/server.yaml        fetched over http(s)
               keel.config=/run/media/server.yaml               a file in the live system or on the medium
             add keel.autoinstall to install without a question.
          2. Embedded in the medium, without rebuilding it:
               keel media customize installer.iso --config server.yaml -o custom.iso
             (it is read from {MediumLayout.CustomConfig} on {medium})
          3. As keel.yaml on a USB stick whose filesystem is labelled {StickLabel}:
               mkfs.vfat -n {StickLabel} /dev/sdX1 && mcopy -i /dev/sdX1 server.yaml ::{StickFile}

        Then restart the installer (reboot, or run: keel installer).

        """;

    private async Task<ConfigSource> FromCommandLineAsync(string medium, string location, CancellationToken cancellationToken)
    {
        var origin = $"{InstallerArguments.ConfigParameter}={location}";
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new ConfigSource(origin, await FetchAsync(location, cancellationToken).ConfigureAwait(false));
        }

        var path = location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(location).LocalPath : location;
        if (Path.IsPathRooted(path) && File.Exists(path))
        {
            return new ConfigSource(origin, path);
        }

        // Not in the live system: a path on the medium, which may not leave it.
        var relative = path.TrimStart('/');
        if (relative.Length > 0 && !relative.Split('/').Contains("..") && File.Exists(Path.Combine(medium, relative)))
        {
            return new ConfigSource($"{origin} (on the medium)", Path.Combine(medium, relative));
        }

        throw new KeelException(ReasonCodes.InvalidInput, origin, $"{origin}: no such file in the live system or on the medium ({medium})");
    }

    private async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var origin = $"{InstallerArguments.ConfigParameter}={url}";
        using var http = httpHandler is null ? new HttpClient() : new HttpClient(httpHandler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConfigTimeout);
        byte[] bytes;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SourceUnreachableException(origin, $"{origin}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > options.MaxConfigBytes)
            {
                throw TooLarge(origin);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > options.MaxConfigBytes)
                {
                    throw TooLarge(origin);
                }

                buffer.Write(chunk, 0, n);
            }

            bytes = buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our timeout, not Ctrl-C: said as such.
            throw new SourceUnreachableException(origin, $"{origin}: no answer within {options.ConfigTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw new SourceUnreachableException(origin, $"{origin}: {ex.Message}", inner: ex);
        }

        return WriteLocal("keel-config.yaml", bytes);
    }

    private async Task<ConfigSource?> FromStickAsync(CancellationToken cancellationToken)
    {
        var devices = await system.FindByLabelAsync(StickLabel, cancellationToken).ConfigureAwait(false);
        if (devices.Count == 0)
        {
            return null;
        }

        if (devices.Count > 1)
        {
            // Two sticks could carry two different machines: the user says which.
            throw new KeelException(ReasonCodes.InvalidInput, StickLabel,
                $"{StickLabel}: {devices.Count} filesystems carry the label ({string.Join(", ", devices)}); attach only one");
        }

        var device = devices[0];
        var origin = $"{StickFile} on {device} (label {StickLabel})";
        var local = Path.Combine(options.StateDirectory, "keelcfg-" + StickFile);
        Directory.CreateDirectory(options.StateDirectory);
        File.Delete(local);
        var type = await system.FilesystemTypeAsync(device, cancellationToken).ConfigureAwait(false);
        bool found;
        if (type == "vfat")
        {
            found = await system.CopyFromFatAsync(device, StickFile, local, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var mountPoint = Path.Combine(options.StateDirectory, "keelcfg");
            await system.MountReadOnlyAsync(device, mountPoint, type, cancellationToken).ConfigureAwait(false);
            try
            {
                var file = Path.Combine(mountPoint, StickFile);
                found = File.Exists(file) && new FileInfo(file).LinkTarget is null;
                if (found)
                {
                    File.Copy(file, local, overwrite: true);
                }
            }
            finally
            {
                await system.UnmountAsync(mountPoint, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!found)
        {
            throw new KeelException(ReasonCodes.InvalidInput, device, $"{device}: the filesystem labelled {StickLabel} has no {StickFile}");
        }

        if (new FileInfo(local).Length > options.MaxConfigBytes)
        {
            throw TooLarge(origin);
        }

        return new ConfigSource(origin, local);
    }

    private string WriteLocal(string name, byte[] bytes)
    {
        Directory.CreateDirectory(options.StateDirectory);
        var path = Path.Combine(options.StateDirectory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private LimitExceededException TooLarge(string origin) =>
        new(origin, $"{origin}: the config is larger than {options.MaxConfigBytes} bytes");
}
