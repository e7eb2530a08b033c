using System.Net.Sockets;
using Keel.Config.Model;
using Keel.Media;

namespace Keel.Installer;

/// <summary>Which repositories the install reads, and the console line that says why.</summary>
public sealed record RepositoryDecision(bool Online, string? OnlineUrl, string Line, IReadOnlyList<RepositoryConfig> Repositories)
{
    /// <summary>Where the packages came from, for the install-finished line.</summary>
    public string Summary => Online ? $"from the online repository {OnlineUrl}" : "from the medium's repository";
}

/// <summary>
/// Chooses the repositories for the install: the online one (keel.repo=URL, else the medium's configured one) when it
/// answers GET repodata/repomd.xml within its timeout, ahead of the medium's own by priority (dnf semantics: a package
/// from the online repository is taken over the medium's, which is what brings the newer updates); the medium's own
/// stays as the fallback for anything the online one lacks. When the online one does not answer, only the medium's.
/// These replace the config's own `repositories`: the medium, not the config, says where packages come from, and a
/// config written for the medium works unchanged offline and online.
/// </summary>
public sealed class RepositoryChooser(InstallerOptions options, HttpMessageHandler? httpHandler = null)
{
    /// <summary>The online repository's dnf priority (lower wins).</summary>
    public const int OnlinePriority = 10;

    /// <summary>The medium's repository's dnf priority.</summary>
    public const int MediumPriority = 50;

    /// <summary>Decides; never throws for an unreachable online repository (that is the offline case).</summary>
    public async Task<RepositoryDecision> ChooseAsync(string medium, MediumInfo info, InstallerArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(arguments);
        var mediumRepository = MediumRepository(medium, info);
        var url = arguments.Repository ?? info.Online?.Baseurl;
        if (string.IsNullOrEmpty(url))
        {
            return new RepositoryDecision(false, null, "no online repository configured: using the medium's repository", [mediumRepository]);
        }

        var timeout = arguments.Repository is null && info.Online is { TimeoutSeconds: > 0 } online ? TimeSpan.FromSeconds(online.TimeoutSeconds) : options.RepositoryTimeout;
        var failure = await ProbeAsync(url, timeout, cancellationToken).ConfigureAwait(false);
        var source = arguments.Repository is null ? "the medium's online repository" : InstallerArguments.RepositoryParameter;
        if (failure is not null)
        {
            return new RepositoryDecision(false, url, $"online repository {url} unreachable ({failure}): using the medium's repository", [mediumRepository]);
        }

        var onlineRepository = new RepositoryConfig
        {
            Id = info.Online?.Id is { Length: > 0 } id && arguments.Repository is null ? id : "online",
            Baseurl = url,
            Gpgkeys = OnlineKeys(medium, info),
            Gpgcheck = true,
            Priority = OnlinePriority,
        };
        return new RepositoryDecision(true, url, $"using the online repository {url} ({source}); the medium's repository is the fallback", [onlineRepository, mediumRepository]);
    }

    /// <summary>The medium's offline repository, with the keys the medium lists (files on the verified medium).</summary>
    public static RepositoryConfig MediumRepository(string medium, MediumInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var path = Path.Combine(medium, MediumLayout.Repository);
        return new RepositoryConfig
        {
            Id = info.RepositoryId is { Length: > 0 } id ? id : "medium",
            Path = path,
            Gpgkeys = [.. info.RepositoryKeys.Select(k => Path.Combine(medium, k))],
            Gpgcheck = true,

            // The medium's repodata is already covered by the signed manifest; its own signature is checked when present.
            RepoGpgcheck = File.Exists(Path.Combine(path, "repodata", "repomd.xml.asc")),
            Priority = MediumPriority,
        };
    }

    // The online repository is the same distribution's: its packages are checked against the keys the verified medium
    // carries, plus key files the medium lists for it. A key URL is not used: a mirror cannot vouch for itself.
    private static List<string> OnlineKeys(string medium, MediumInfo info) =>
    [
        .. info.RepositoryKeys.Select(k => Path.Combine(medium, k)),
        .. (info.Online?.Gpgkeys ?? []).Where(k => !k.Contains("://", StringComparison.Ordinal)).Select(k => Path.Combine(medium, k.TrimStart('/'))).Where(File.Exists),
    ];

    // Null when the repository answered; otherwise why not, for the console line.
    private async Task<string?> ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var repomd = url.TrimEnd('/') + "/repodata/repomd.xml";
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var local = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(repomd).LocalPath : repomd;
            return File.Exists(local) ? null : $"{local} does not exist";
        }

        using var http = httpHandler is null ? new HttpClient() : new HttpClient(httpHandler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(repomd, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} for repodata/repomd.xml";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException ex)
        {
            return ex.InnerException is SocketException socket ? socket.Message : ex.Message;
        }
    }
}
