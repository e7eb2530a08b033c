using Keel.Packaging;

namespace Keel.Sbom.Tests;

public sealed class PackageUrlTests
{
    private static InventoryPackage Package(string name, string evr, string arch) =>
        new(name, Evr.Parse(evr), arch, null, null, null, null, null, null, null, null, false);

    [Theory]
    [InlineData("curl", "7.50.3-1.fc25", "i386", "fedora", "25", "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25")]
    [InlineData("libstdc++", "1:14.2-3.azl4", "x86_64", "azurelinux", "4.0", "pkg:rpm/azurelinux/libstdc%2B%2B@14.2-3.azl4?arch=x86_64&distro=azurelinux-4.0&epoch=1")]
    [InlineData("gpg-pubkey", "7576c84c-6b165e82", "(none)", null, null, "pkg:rpm/gpg-pubkey@7576c84c-6b165e82")]
    [InlineData("tzdata", "0:2025a-1", "noarch", "AzureLinux", null, "pkg:rpm/azurelinux/tzdata@2025a-1?arch=noarch&distro=azurelinux")]
    public void RpmPurls_FollowThePurlSpecification(string name, string evr, string arch, string? distro, string? version, string expected) =>
        Assert.Equal(expected, PackageUrl.ForRpm(Package(name, evr, arch), distro, version));

    [Theory]
    [InlineData("GPL-3.0-or-later", true)]
    [InlineData("BSD-3-Clause AND GPL-2.0-or-later", true)]
    [InlineData("(MIT OR Apache-2.0) AND GPL-2.0-only WITH GCC-exception-3.1", true)]
    [InlineData("LicenseRef-Fedora-Public-Domain", true)]
    [InlineData("GPLv2+ and BSD", false)]
    [InlineData("Public Domain", false)]
    [InlineData("MIT AND", false)]
    [InlineData("(MIT", false)]
    [InlineData("", false)]
    public void LicenceExpressions_AreToldFromFreeText(string text, bool expected) =>
        Assert.Equal(expected, LicenseExpression.IsSpdxExpression(text));
}
