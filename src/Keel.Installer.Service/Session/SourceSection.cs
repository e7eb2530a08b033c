using Keel.Config.Model;
using Keel.Installer.Api;
using Keel.OpenPgp;
using Keel.Repository;
using Keel.Repository.Definitions;
using Keel.Repository.Sources;

namespace Keel.Installer.Service.Session;

/// <summary>
/// Screen 5: where packages come from. The medium's own repository (or, on a development host, the --repo directory),
/// the medium's online repository ahead of the medium's (as the unattended installer's <see cref="RepositoryChooser"/>
/// orders them), or a mirror URL checked with the keys the medium carries: a mirror cannot vouch for itself.
/// </summary>
public sealed class SourceSection(InstallerSessionOptions options)
{
    /// <summary>The source chosen so far.</summary>
    public SourceSettings Settings { get; private set; } = new(SourceKind.Medium);

    /// <summary>The errors of the section's own checks (a mirror without a URL, no online repository).</summary>
    public List<FieldError> OwnErrors { get; } = [];

    /// <summary>A key that tells sources apart, for caches of loaded repositories.</summary>
    public string Key => Settings.Kind == SourceKind.Mirror ? "mirror " + Settings.Url : Settings.Kind.ToString();

    /// <summary>Sets the source and the draft's repositories; returns the section's own errors (the validator's are added by the caller).</summary>
    public void Update(SourceSettings settings, MachineConfig draft)
    {
        OwnErrors.Clear();
        var (repositories, error) = RepositoriesFor(settings);
        if (error is not null)
        {
            OwnErrors.Add(error);
            return;
        }

        Settings = settings with { Url = settings.Kind == SourceKind.Mirror ? settings.Url : null };
        draft.Repositories = [.. repositories];
    }

    /// <summary>The medium's repository: the --repo directory on a host, else the medium's repo/.</summary>
    public RepositoryConfig MediumRepository()
    {
        if (options.RepositoryDirectory is { } dir)
        {
            var full = Path.GetFullPath(dir);
            return new RepositoryConfig
            {
                Id = options.Info.RepositoryId is { Length: > 0 } id ? id : "medium",
                Path = full,
                Gpgkeys = [.. Directory.EnumerateFiles(full, "RPM-GPG-KEY-*").Order(StringComparer.Ordinal)],
                Gpgcheck = true,
                RepoGpgcheck = File.Exists(Path.Combine(full, "repodata", "repomd.xml.asc")),
                Priority = RepositoryChooser.MediumPriority,
            };
        }

        return RepositoryChooser.MediumRepository(options.MediumDirectory ?? throw new InvalidOperationException("a session needs a medium or a repository directory"), options.Info);
    }

    /// <summary>The repositories a source stands for, or the field error that says why it cannot be used.</summary>
    public (IReadOnlyList<RepositoryConfig> Repositories, FieldError? Error) RepositoriesFor(SourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var medium = MediumRepository();
        switch (settings.Kind)
        {
            case SourceKind.Medium:
                return ([medium], null);
            case SourceKind.Online when options.Info.Online is { Baseurl.Length: > 0 } online:
                return ([new RepositoryConfig
                {
                    Id = online.Id is { Length: > 0 } id ? id : "online",
                    Baseurl = online.Baseurl,
                    Gpgkeys = [.. medium.Gpgkeys],
                    Gpgcheck = true,
                    Priority = RepositoryChooser.OnlinePriority,
                }, medium], null);
            case SourceKind.Online:
                return ([], new FieldError("repositories", "this medium names no online repository", "choose the medium or a mirror URL"));
            default:
                var url = settings.Url?.Trim();
                if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https" && uri.Scheme != "file"))
                {
                    return ([], new FieldError("repositories[0].baseurl", $"'{url}' is not an http(s) or file URL", "e.g. https://mirror.example.com/azurelinux/4.0/x86_64"));
                }

                return ([new RepositoryConfig
                {
                    Id = "mirror",
                    Baseurl = url,
                    Gpgkeys = [.. medium.Gpgkeys, .. options.MediumKeyFile is { } key && File.Exists(key) ? [key] : Array.Empty<string>()],
                    Gpgcheck = true,
                    RepoGpgcheck = true,
                }], null);
        }
    }

    /// <summary>Fetches repodata/repomd.xml and its .asc from the source's first repository and checks the signature with its keys.</summary>
    public async Task<SourceCheckResult> CheckAsync(SourceSettings settings, CancellationToken cancellationToken)
    {
        var (repositories, error) = RepositoriesFor(settings);
        if (error is not null)
        {
            return new SourceCheckResult(false, false, error.Message);
        }

        var repository = repositories[0];
        var location = repository.Baseurl ?? repository.Path!;
        var definition = new RepositoryDefinition { Id = repository.Id, BaseUrls = [location], GpgKeys = repository.Gpgkeys, Origin = "installation source" };
        var http = new HttpOptions { RequestTimeout = options.Installer.RepositoryTimeout, MaxAttempts = 1 };
        using var loader = new RepositoryLoader(RepositoryLoader.CreateHttpClient(http));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Installer.RepositoryTimeout * 2);
        var scratch = Directory.CreateTempSubdirectory("keel-source-check").FullName;
        try
        {
            var source = loader.CreateSource(location, http);
            byte[] repomd;
            try
            {
                repomd = await FetchAsync(source, "repodata/repomd.xml", scratch, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new SourceCheckResult(false, false, $"{source.Describe("repodata/repomd.xml")}: not reachable ({OneLine(ex)})");
            }

            byte[] signature;
            try
            {
                signature = await FetchAsync(source, "repodata/repomd.xml.asc", scratch, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new SourceCheckResult(true, false, $"reachable, but its metadata is not signed: {source.Describe("repodata/repomd.xml.asc")} ({OneLine(ex)})");
            }

            OpenPgpKeyRing? keys;
            try
            {
                keys = await loader.LoadKeysAsync(definition, limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or Keel.Errors.KeelException)
            {
                return new SourceCheckResult(true, false, $"reachable, but the medium's keys cannot be read: {OneLine(ex)}");
            }

            if (keys is null)
            {
                return new SourceCheckResult(true, false, "reachable, but the medium carries no key to check its signature with");
            }

            var check = keys.VerifyDetached(repomd, signature);
            return check.IsValid
                ? new SourceCheckResult(true, true, $"reachable and signed by {check.KeyId ?? "a key the medium trusts"}: {location}")
                : new SourceCheckResult(true, false, $"reachable, but the signature does not check with the medium's keys ({check.Status}{(check.KeyId is null ? "" : ", key " + check.KeyId)})");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<byte[]> FetchAsync(IRepositorySource source, string path, string scratch, CancellationToken cancellationToken)
    {
        if (source.IsLocal)
        {
            var local = source.LocalPath(path);
            return File.Exists(local) ? await File.ReadAllBytesAsync(local, cancellationToken).ConfigureAwait(false) : throw new FileNotFoundException($"{local} does not exist");
        }

        var part = Path.Combine(scratch, Path.GetFileName(path));
        await source.FetchAsync(path, part, 16 * 1024 * 1024, null, cancellationToken).ConfigureAwait(false);
        return await File.ReadAllBytesAsync(part, cancellationToken).ConfigureAwait(false);
    }

    private static string OneLine(Exception ex) => ex is OperationCanceledException ? "no answer in time" : ex.Message.Split('\n')[0];
}
