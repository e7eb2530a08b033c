using System.Text;
using Keel.Install.Signing;

namespace Keel.ImageManifest.Tests;

/// <summary>The detached signature over image.json's exact bytes, made by --signing-key's signer and checked offline.</summary>
public sealed class ImageManifestVerifierTests : IClassFixture<ImageManifestVerifierTests.Keys>
{
    private readonly Keys _keys;

    public ImageManifestVerifierTests(Keys keys) => _keys = keys;

    /// <summary>The distribution's key and another one.</summary>
    public sealed class Keys : IDisposable
    {
        public TestKey Distribution { get; } = new("distribution");

        public TestKey Other { get; } = new("other");

        public void Dispose()
        {
            Distribution.Dispose();
            Other.Dispose();
        }
    }

    private async Task<(byte[] Manifest, byte[] Signature)> SignedAsync(TestKey key, long? epoch = 1735689600)
    {
        var manifest = ImageManifestJson.Serialize(ImageManifestJsonTests.Sample());
        await using var signing = await SigningKey.OpenAsync(key.SecretKeyFile, epoch, CancellationToken.None);
        return (manifest, await signing.Signer.SignBytesAsync(manifest, CancellationToken.None));
    }

    [Fact]
    public async Task A_manifest_signed_by_the_trusted_key_is_valid_and_names_it()
    {
        var (manifest, signature) = await SignedAsync(_keys.Distribution);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", Encoding.ASCII.GetString(signature));
        var result = ImageManifestVerifier.Verify(manifest, signature, true, _keys.Distribution.Ring);
        Assert.Equal(ManifestSignatureStatus.Valid, result.Status);
        Assert.Equal(_keys.Distribution.KeyId, result.KeyId);
    }

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_the_signature_is_reproducible()
    {
        var first = await SignedAsync(_keys.Distribution);
        var second = await SignedAsync(_keys.Distribution);
        Assert.Equal(first.Signature, second.Signature);
    }

    [Fact]
    public async Task One_changed_byte_is_a_bad_signature()
    {
        var (manifest, signature) = await SignedAsync(_keys.Distribution);
        manifest[manifest.Length / 2] ^= 1;
        var result = ImageManifestVerifier.Verify(manifest, signature, true, _keys.Distribution.Ring);
        Assert.Equal(ManifestSignatureStatus.BadSignature, result.Status);
        Assert.Contains("bad signature", result.Message);
    }

    [Fact]
    public async Task A_manifest_signed_by_another_key_names_that_key()
    {
        var (manifest, signature) = await SignedAsync(_keys.Other);
        var result = ImageManifestVerifier.Verify(manifest, signature, true, _keys.Distribution.Ring);
        Assert.Equal(ManifestSignatureStatus.UnknownKey, result.Status);
        Assert.Equal(_keys.Other.KeyId, result.KeyId);
        Assert.Contains(_keys.Other.KeyId, result.Message);
    }

    [Fact]
    public void No_signature_is_reported_as_such()
    {
        var result = ImageManifestVerifier.Verify(ImageManifestJson.Serialize(ImageManifestJsonTests.Sample()), [], false, _keys.Distribution.Ring);
        Assert.Equal(ManifestSignatureStatus.NoSignature, result.Status);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task A_key_file_without_a_secret_key_is_one_clear_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"keel-public-{Guid.NewGuid():N}.asc");
        await File.WriteAllTextAsync(file, _keys.Other.PublicKey);
        try
        {
            var e = await Assert.ThrowsAsync<Keel.Errors.KeelException>(() => SigningKey.OpenAsync(file, null, CancellationToken.None));
            Assert.Equal($"{file}: holds no OpenPGP secret key gpg can import", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
