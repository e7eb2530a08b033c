using System.CommandLine;
using Keel.Inspection;

namespace Keel.Cli.Commands;

/// <summary>
/// The <c>--root DIR | --image IMAGE</c> pair of the commands that read a system (sbom, scan), and how each is opened.
/// </summary>
internal sealed class SystemTargetOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = "A directory holding the system's root tree (a mounted image, a chroot, an installroot).",
    };

    public Option<string?> Image { get; } = new("--image")
    {
        Description = "A disk image (raw, qcow2, vhd, vhdx): its root file system is opened read-only.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Root);
        command.Options.Add(Image);
    }

    /// <summary>Opens what was asked for; exactly one of --root and --image must be given.</summary>
    public async Task<InspectedSystem> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var root = parse.GetValue(Root);
        var image = parse.GetValue(Image);
        return (root, image) switch
        {
            ({ } r, null) => InspectedSystem.OpenRoot(r),
            (null, { } i) => await InspectedSystem.OpenImageAsync(i, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException("give exactly one of --root DIR and --image IMAGE"),
        };
    }
}
