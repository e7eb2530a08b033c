using System.Text.Json;

namespace Keel.Validation;

/// <summary>Prints a report the same way from `keel validate` and `keel-validate`: one line per check, or JSON.</summary>
public static class ValidationReportWriter
{
    /// <summary>Writes the report; lines end with a summary line ("validate: FAILED, 2 FAIL, 1 WARN, 12 PASS, 2 SKIP").</summary>
    public static void Write(ValidationReport report, TextWriter output, bool json)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(ValidationJsonReport.From(report), ValidationJsonContext.Default.ValidationJsonReport));
            return;
        }

        foreach (var line in report.Results)
        {
            output.WriteLine(line.ToString());
        }

        output.WriteLine(
            $"validate {report.System}: {(report.Failed ? "FAILED" : "passed")}, {report.Count(ValidationStatus.Fail)} FAIL, " +
            $"{report.Count(ValidationStatus.Warn)} WARN, {report.Count(ValidationStatus.Pass)} PASS, {report.Count(ValidationStatus.Skip)} SKIP");
    }

    /// <summary>The help text both commands share: what is checked and how to read a line.</summary>
    public const string ChecksHelp =
        "Checks, one line each (PASS, WARN, FAIL or SKIP; exit 1 when any FAIL):\n" +
        "  release.os-release, release.package, release.banner   the release identity\n" +
        "  manifest.signature, manifest.packages   /usr/lib/keel/image.json signed by a trusted key; installed packages = its list\n" +
        "  packages.signature   every package's header signature in the rpmdb, re-verified against the trusted keys\n" +
        "  files, files.config   packaged files unchanged (size, digest, mode, owner, group, link target; as rpm -Va --nomtime);\n" +
        "                        changed %config files are WARN\n" +
        "  selinux.mode, selinux.policy, boot.permissions, secureboot   platform security (Secure Boot is reported, never failed)\n" +
        "Trusted keys: the --key files, or else the keys the release itself trusts (/etc/pki/rpm-gpg and the rpmdb's gpg-pubkey\n" +
        "entries), which proves integrity but not provenance: give the distribution key with --key to prove where it came from.";
}
