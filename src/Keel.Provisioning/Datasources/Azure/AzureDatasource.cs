using Keel.Errors;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>
/// cloud-init's Azure datasource: the IMDS instance document (required, fetched with the Metadata header and retried),
/// ovf-env.xml from the provisioning medium when present, and the wireserver ready report.
/// </summary>
public sealed class AzureDatasource(AzureOptions options, RetryingHttp http)
{
    /// <summary>The datasource name in status and datasource_list.</summary>
    public const string Name = "Azure";

    /// <summary>The reporter for this datasource's endpoints.</summary>
    public IReadyReporter Reporter { get; } = new AzureReporter(options, http);

    /// <summary>The IMDS instance URL.</summary>
    public Uri InstanceUrl => new(options.Imds, "/metadata/instance?api-version=" + Uri.EscapeDataString(options.ImdsApiVersion));

    /// <summary>Reads the instance; throws TimeoutException, HttpRequestException or InvalidDataException naming the source.</summary>
    public InstanceData Read(CancellationToken cancellationToken) => ReadAsync(cancellationToken).GetAwaiter().GetResult();

    /// <summary>Async form of <see cref="Read"/>.</summary>
    public async Task<InstanceData> ReadAsync(CancellationToken cancellationToken)
    {
        var ovfPath = options.OvfDirectory is null ? null : Path.Combine(options.OvfDirectory, OvfEnvironment.FileName);
        var ovf = options.OvfDirectory is null ? null : OvfEnvironment.ReadDirectory(options.OvfDirectory);
        var url = InstanceUrl;
        var answer = await http.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.TryAddWithoutValidation("Metadata", "true");
                request.Headers.TryAddWithoutValidation("User-Agent", options.AgentName);
                return request;
            },
            RetryableStatus.Imds,
            cancellationToken).ConfigureAwait(false);
        var imds = ImdsInstance.Parse(answer.Body, url.ToString());
        return Combine(imds, ovf, url.ToString(), ovfPath);
    }

    /// <summary>Builds the instance from IMDS and ovf-env.xml; the provisioning medium wins where both speak, as in cloud-init.</summary>
    public static InstanceData Combine(ImdsInstance imds, OvfEnvironment? ovf, string imdsSource, string? ovfSource)
    {
        var warnings = new List<ProvisioningDiagnostic>();
        var instanceId = InstanceData.CheckInstanceId(imds.VmId.ToLowerInvariant(), imdsSource + " compute.vmId");
        var userData = ovf?.DecodeCustomData(ovfSource + " CustomData")
            ?? Base64(imds.CustomData, imdsSource + " compute.customData")
            ?? Base64(imds.UserData, imdsSource + " compute.userData");
        var hostname = ovf?.HostName ?? imds.ComputerName;
        var user = ovf?.UserName ?? imds.AdminUsername;
        var disablePasswords = ovf?.DisableSshPasswordAuthentication ?? imds.DisablePasswordAuthentication;
        var keys = (ovf?.PublicKeys ?? []).Concat(imds.PublicKeys).Distinct(StringComparer.Ordinal).ToList();
        if (ovf?.HasUserPassword == true)
        {
            warnings.Add(new(Severity.Warning, ovfSource + " UserPassword", "a plain-text admin password is not applied (keel-agent sets crypt hashes only); the admin user stays locked"));
        }

        var meta = new List<KeyValuePair<string, CloudNode>> { new("instance-id", CloudScalar.Str(instanceId)) };
        if (hostname is not null)
        {
            meta.Add(new("local-hostname", CloudScalar.Str(hostname)));
        }

        meta.Add(new("public-keys", new CloudList(keys.Select(k => (CloudNode)CloudScalar.Str(k)).ToList())));

        var config = new List<KeyValuePair<string, CloudNode>>();
        if (user is not null)
        {
            var defaultUser = new CloudMap([new("default_user", new CloudMap([new("name", CloudScalar.Str(user))]))]);
            config.Add(new("system_info", defaultUser));
        }

        if (disablePasswords is { } disable)
        {
            config.Add(new("ssh_pwauth", new CloudScalar(ScalarKind.Boolean, disable ? "false" : "true")));
        }

        return new InstanceData(Name, instanceId, new CloudMap(meta), userData, null, null)
        {
            DatasourceConfig = new CloudMap(config),
            Warnings = warnings,
        };
    }

    private static byte[]? Base64(string? text, string source)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{source}: not valid base64");
        }
    }
}
