using Keel.Errors;

namespace Keel.Install.Tests;

/// <summary>A download failure keeps its reason code when the step puts its name in front of the message.</summary>
public sealed class DownloadFailureTests
{
    [Fact]
    public void A_bad_signature_stays_signature_invalid_with_its_input_and_hint()
    {
        var inner = new SignatureException("/srv/repo/a.rpm", "/srv/repo/a.rpm: NOKEY 0123456789ABCDEF", "import the repository's key");
        var ex = PackageInstallStep.DownloadFailure(inner);
        Assert.Equal(ReasonCodes.SignatureInvalid, ExitCodes.ReasonFor(ex));
        var keel = Assert.IsAssignableFrom<KeelException>(ex);
        Assert.Equal(("/srv/repo/a.rpm", "import the repository's key"), (keel.Input, keel.Hint));
        Assert.Equal("packages.download: /srv/repo/a.rpm: NOKEY 0123456789ABCDEF", ex.Message);
    }

    [Fact]
    public void An_unreachable_server_stays_repository_unreachable_and_other_failures_are_invalid_input()
    {
        Assert.Equal(ReasonCodes.RepositoryUnreachable, ExitCodes.ReasonFor(PackageInstallStep.DownloadFailure(new HttpRequestException("Connection refused (127.0.0.1:9)"))));
        var ex = PackageInstallStep.DownloadFailure(new InvalidDataException("a.rpm: checksum mismatch; b.rpm: checksum mismatch; c.rpm: checksum mismatch"));
        Assert.Equal(ReasonCodes.InvalidInput, ExitCodes.ReasonFor(ex));
        Assert.Equal("packages.download: a.rpm: checksum mismatch (and 2 more like it)", ex.Message);
    }
}
