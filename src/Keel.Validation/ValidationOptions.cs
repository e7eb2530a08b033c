namespace Keel.Validation;

/// <summary>What to validate and against which keys.</summary>
/// <param name="Root">The machine's root tree ("/" inside a running machine).</param>
/// <param name="TrustedKeyFiles">
/// Host paths of OpenPGP public keys to trust for package and manifest signatures. Empty: the keys the release itself
/// trusts (its etc/pki/rpm-gpg and the gpg-pubkey entries of its rpmdb), which proves integrity against the release's
/// own keys only; give the distribution key on a host to prove provenance.
/// </param>
/// <param name="Running">
/// The root is the running system (keel-validate inside the machine): the loaded SELinux policy and the firmware's
/// Secure Boot state are read from /sys. On a host they describe the host, so they are skipped.
/// </param>
public sealed record ValidationOptions(string Root, IReadOnlyList<string> TrustedKeyFiles, bool Running)
{
    /// <summary>Where the firmware variables and selinuxfs are read from when <see cref="Running"/>; tests point it elsewhere.</summary>
    public string SysDirectory { get; init; } = "/sys";
}
