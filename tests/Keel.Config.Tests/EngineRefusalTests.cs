using Keel.Config.Loading;
using Keel.Config.Validation;
using Keel.Errors;

namespace Keel.Config.Tests;

/// <summary>What the engine cannot carry out is an error of validation (or of the device check), with the config's line:column.</summary>
public class EngineRefusalTests
{
    private const string Refused = """
        apiVersion: keel/v1
        distribution: fixture
        preset: minimal
        bootloader: grub2
        repositories:
          - id: plain
            baseurl: http://127.0.0.1:9/plain
            gpgkeys: [http://127.0.0.1:9/key.asc]
          - id: tls
            baseurl: https://127.0.0.1:9/tls
            gpgkeys: [https://127.0.0.1:9/key.asc]
          - id: tls-nocheck
            baseurl: https://127.0.0.1:9/tls
            gpgcheck: false
            gpgkeys: [https://127.0.0.1:9/key.asc]
        storage:
          partitions:
            - mountPoint: /boot/efi
              size: 512MiB
              fs: vfat
            - mountPoint: /boot
              size: 512MiB
            - mountPoint: /
              grow: true
        """;

    [Theory]
    [InlineData("bootloader", 4, 13, "grub2 is not implemented")]
    [InlineData("repositories[0].gpgkeys[0]", 8, 15, "plain http")]
    [InlineData("repositories[1].gpgkeys[0]", 11, 15, "from local files only")]
    public void Late_refusals_are_validation_errors_at_their_line_and_column(string path, int line, int column, string message)
    {
        var d = Assert.Single(ConfigFixtures.Errors(Refused), d => d.Path == path);
        Assert.Equal((line, column), (d.Line, d.Column));
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
        Assert.NotNull(d.Hint);
    }

    [Fact]
    public void An_https_key_of_a_repository_without_gpgcheck_is_accepted()
    {
        // The loader fetches https keys itself; only the rpmdb import needs a local file, and without gpgcheck nothing is imported.
        Assert.DoesNotContain(ConfigFixtures.Errors(Refused), d => d.Path.StartsWith("repositories[2]", StringComparison.Ordinal));
    }

    [Fact]
    public void An_http_key_is_a_trust_error_only_without_a_pin_and_pins_and_ages_are_checked()
    {
        var errors = ConfigFixtures.Errors("""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            repositories:
              - id: pinned
                baseurl: https://127.0.0.1:9/r
                gpgcheck: false
                repoGpgcheck: true
                gpgkeys: [http://127.0.0.1:9/key.asc]
                gpgkeyFingerprints: ["0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567"]
                metadataMaxAge: 7d
              - id: bad
                baseurl: https://127.0.0.1:9/r
                gpgcheck: false
                gpgkeyFingerprints: [1234]
                metadataMaxAge: a week
            """);
        Assert.DoesNotContain(errors, d => d.Path.StartsWith("repositories[0]", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Path == "repositories[1].gpgkeyFingerprints[0]" && d.Message.Contains("not an OpenPGP fingerprint", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Path == "repositories[1].metadataMaxAge");
    }

    [Fact]
    public void Groups_environments_and_globs_are_package_specs()
    {
        var errors = ConfigFixtures.Errors("""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            packages:
              include: ["@container-host", "@^minimal-environment", "podman*", "python3-?ool"]
            """);
        Assert.DoesNotContain(errors, d => d.Path.StartsWith("packages", StringComparison.Ordinal));
    }

    [Fact]
    public void A_4K_sector_device_is_refused_at_its_place_in_the_config_and_encryption_is_not()
    {
        var loaded = ConfigFixtures.Parse("""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            storage:
              encryption:
                keyFile: key.bin
            """, out _);

        var found = TargetRules.ForDevice(loaded, "/dev/sdz", 4096);

        // A device install encrypts the root itself (offline re-encryption needs no device-mapper), so only the sector size is refused.
        var refused = Assert.Single(found);
        Assert.Equal(("storage", 5, 3, Severity.Error), (refused.Path, refused.Line, refused.Column, refused.Severity));
        Assert.Contains("/dev/sdz: logical sector size 4096", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_512_byte_device_without_encryption_has_nothing_refused()
    {
        var loaded = ConfigFixtures.Parse("""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            """, out _);
        Assert.Empty(TargetRules.ForDevice(loaded, "/dev/sdz", 512));
    }
}
