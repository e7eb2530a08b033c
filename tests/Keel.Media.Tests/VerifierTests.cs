using Keel.Errors;
using Keel.Media.Build;
using Keel.Media.Manifest;
using Keel.OpenPgp;

namespace Keel.Media.Tests;

/// <summary>The signed-manifest check on a small tree signed with a throwaway key, and every way a tree can differ from it.</summary>
public sealed class VerifierTests : IDisposable
{
    private readonly GpgTestHome _gpg = new();
    private readonly string _tree = Directory.CreateTempSubdirectory("keel-media-tree-").FullName;
    private readonly string _fingerprint;
    private readonly OpenPgpKeyRing _key;

    public VerifierTests()
    {
        _fingerprint = _gpg.Generate("Medium Test <medium@keel.invalid>");
        _key = OpenPgpKeyRing.Parse(_gpg.Export(_fingerprint), "test key");
        Write("keel/medium.json", "{}\n");
        Write("repo/Packages/b/bash-5.2.rpm", new string('x', 3000));
        Write("LiveOS/squashfs.img", "squash");
        SignAsync().GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_good_tree_verifies_with_its_key_id()
    {
        var result = await MediumVerifier.VerifyAsync(_tree, _key);
        Assert.Equal(3, result.Files);
        Assert.Equal(_fingerprint[^16..], result.KeyId, ignoreCase: true);
        Assert.Empty(result.CustomFiles);
    }

    [Fact]
    public async Task Customization_files_are_listed_apart()
    {
        Write("keel/custom/keel.yaml", "kind: Machine\n");
        var result = await MediumVerifier.VerifyAsync(_tree, _key);
        Assert.Equal(["keel/custom/keel.yaml"], result.CustomFiles);
    }

    [Fact]
    public async Task A_flipped_byte_names_the_file()
    {
        var path = Path.Combine(_tree, "repo/Packages/b/bash-5.2.rpm");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[1500] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);
        var ex = await Assert.ThrowsAsync<KeelException>(() => MediumVerifier.VerifyAsync(_tree, _key));
        Assert.Equal(ReasonCodes.DigestMismatch, ex.Reason);
        Assert.Equal("repo/Packages/b/bash-5.2.rpm", ex.Input);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extra_file_is_refused()
    {
        Write("repo/Packages/e/evil-1.0.rpm", "evil");
        var ex = await Assert.ThrowsAsync<KeelException>(() => MediumVerifier.VerifyAsync(_tree, _key));
        Assert.Equal("repo/Packages/e/evil-1.0.rpm", ex.Input);
        Assert.Contains("not in its signed manifest", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_is_refused_even_to_a_listed_file()
    {
        File.Move(Path.Combine(_tree, "LiveOS/squashfs.img"), Path.Combine(_tree, "LiveOS/real.img"));
        File.CreateSymbolicLink(Path.Combine(_tree, "LiveOS/squashfs.img"), "real.img");
        var ex = await Assert.ThrowsAsync<KeelException>(() => MediumVerifier.VerifyAsync(_tree, _key));
        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        File.Delete(Path.Combine(_tree, "LiveOS/squashfs.img"));
        var ex = await Assert.ThrowsAsync<KeelException>(() => MediumVerifier.VerifyAsync(_tree, _key));
        Assert.Equal("LiveOS/squashfs.img", ex.Input);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_manifest_breaks_the_signature()
    {
        var manifest = Path.Combine(_tree, MediumLayout.Manifest);
        await File.AppendAllTextAsync(manifest, new string('c', 64) + "  1  zz\n");
        await Assert.ThrowsAsync<SignatureException>(() => MediumVerifier.VerifyAsync(_tree, _key));
    }

    [Fact]
    public async Task Another_key_is_refused_naming_the_signer()
    {
        using var other = new GpgTestHome();
        var otherKey = OpenPgpKeyRing.Parse(other.Export(other.Generate("Other <other@keel.invalid>")), "other key");
        var ex = await Assert.ThrowsAsync<SignatureException>(() => MediumVerifier.VerifyAsync(_tree, otherKey));
        Assert.Contains(_fingerprint[^16..], ex.Hint ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_missing_signature_is_refused()
    {
        File.Delete(Path.Combine(_tree, MediumLayout.ManifestSignature));
        await Assert.ThrowsAsync<SignatureException>(() => MediumVerifier.VerifyAsync(_tree, _key));
    }

    [Fact]
    public void The_manifest_builder_refuses_links_in_the_tree()
    {
        File.CreateSymbolicLink(Path.Combine(_tree, "keel/link"), "medium.json");
        Assert.Throws<InvalidDataException>(() => MediumTree.CreateManifestAsync(_tree, default).GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        _gpg.Dispose();
        Directory.Delete(_tree, recursive: true);
    }

    private async Task SignAsync()
    {
        var manifest = await MediumTree.CreateManifestAsync(_tree, default);
        var path = Path.Combine(_tree, MediumLayout.Manifest);
        await File.WriteAllBytesAsync(path, manifest.ToBytes());
        _gpg.SignDetached(path, _fingerprint);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
