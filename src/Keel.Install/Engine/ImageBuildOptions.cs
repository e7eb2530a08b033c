using Keel.Config.Model;
using Keel.Repository.Cache;

namespace Keel.Install.Engine;

/// <summary>Settings of one `keel build`.</summary>
public sealed record ImageBuildOptions
{
    /// <summary>The image to write; replaced only when the new one is complete.</summary>
    public required string Output { get; init; }

    /// <summary>Null: the config's output.format, else from the extension.</summary>
    public ImageFormat? Format { get; init; }

    /// <summary>Repository metadata and package cache; null means <see cref="KeelCache.Default"/>.</summary>
    public KeelCache? Cache { get; init; }

    /// <summary>Fixed time for everything the build stamps (SOURCE_DATE_EPOCH); null: now.</summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>`keel build --pin`: install exactly these packages; null: solve the config's request.</summary>
    public PackagePin? Pin { get; init; }

    /// <summary>Signs the image manifest; null: unsigned.</summary>
    public Signing.GpgSigner? ManifestSigner { get; init; }
}

/// <summary>What a build made; <paramref name="Packages"/> are NAME-VERSION-RELEASE.ARCH, as `rpm -qa` prints them, sorted.</summary>
public sealed record ImageBuildResult(string Output, ImageFormat Format, long SizeBytes, IReadOnlyList<string> Packages, string KernelCommandLine);
