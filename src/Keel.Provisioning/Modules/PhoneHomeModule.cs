using System.Globalization;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's phone_home: POSTs (form-encoded) the instance id, hostname, fqdn and host public keys to phone_home.url
/// ($INSTANCE_ID substituted), up to 'tries' times. As in cloud-init, a delivery that never succeeds is a warning, not a failure.
/// </summary>
public sealed class PhoneHomeModule() : CloudConfigModule("phone_home", Frequency.PerInstance, Stage.Final)
{
    /// <summary>The fields 'post: all' sends, in cloud-init's order.</summary>
    public static readonly IReadOnlyList<string> AllFields = ["pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id", "hostname", "fqdn"];

    /// <summary>Most attempts accepted from 'tries'.</summary>
    public const int MaxTries = 100;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (ConfigValues.Map(context.Config, "phone_home", Name) is not { } cfg)
        {
            return ModuleOutcome.NothingToDo;
        }

        var template = ConfigValues.Text(cfg, "url", "phone_home") ?? throw new InvalidDataException("phone_home: 'url' is required");
        var url = template.Replace("$INSTANCE_ID", context.Instance.InstanceId, StringComparison.Ordinal).Replace("${INSTANCE_ID}", context.Instance.InstanceId, StringComparison.Ordinal);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidDataException($"phone_home: url '{url}' is not an http or https URL");
        }

        var tries = int.TryParse(ConfigValues.Text(cfg, "tries", "phone_home") ?? "10", NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is >= 1 and <= MaxTries
            ? t
            : throw new InvalidDataException($"phone_home: 'tries' must be an integer from 1 to {MaxTries}");

        var fields = Fields(context, cfg);
        using var http = new HttpClient { Timeout = context.Options.PhoneHomeTimeout };
        string? lastError = null;
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            try
            {
                using var content = new FormUrlEncodedContent(fields);
                using var response = http.PostAsync(uri, content, context.Cancellation).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    context.Log.WriteLine($"phone_home: posted {fields.Count} field(s) to {uri}");
                    return ModuleOutcome.Done;
                }

                lastError = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !context.Cancellation.IsCancellationRequested)
            {
                lastError = ex is TaskCanceledException ? $"no answer within {context.Options.PhoneHomeTimeout}" : ex.Message;
            }

            if (attempt < tries)
            {
                // A stop during the pause ends the run at once (OperationCanceledException), as the caller asked.
                context.Cancellation.WaitHandle.WaitOne(context.Options.PhoneHomeRetryDelay);
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }

        context.Warnings.Add(new(Severity.Warning, "phone_home", $"could not post to {uri} in {tries} tries: {lastError}"));
        return ModuleOutcome.Done;
    }

    private static List<KeyValuePair<string, string>> Fields(ModuleContext context, CloudMap cfg)
    {
        IReadOnlyList<string> wanted = cfg["post"] switch
        {
            null or CloudScalar { IsNull: true } or CloudScalar { Text: "all" } => AllFields,
            CloudList l => l.Items.OfType<CloudScalar>().Select(s => s.Text).ToList(),
            var other => throw ConfigValues.WrongType("phone_home", "post", other, "'all' or a list"),
        };

        var names = HostnameResolver.Resolve(context);
        var result = new List<KeyValuePair<string, string>>();
        foreach (var field in wanted)
        {
            string? value = field switch
            {
                "instance_id" => context.Instance.InstanceId,
                "hostname" => names?.Hostname,
                "fqdn" => names?.Fqdn,
                _ when field.StartsWith("pub_key_", StringComparison.Ordinal) && AllFields.Contains(field) =>
                    context.Root.ReadAllTextOrNull($"/etc/ssh/ssh_host_{field["pub_key_".Length..]}_key.pub")?.Trim(),
                _ => Unknown(context, field),
            };

            // cloud-init sends "N/A" for a key it could not read.
            result.Add(new(field, value ?? "N/A"));
        }

        return result.Where(f => AllFields.Contains(f.Key)).ToList();
    }

    private static string? Unknown(ModuleContext context, string field)
    {
        context.Warnings.Add(new(Severity.Warning, "phone_home.post", $"unknown field '{field}' not sent"));
        return null;
    }
}
