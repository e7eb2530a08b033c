using Keel.TargetSystem;

namespace Keel.Provisioning.Engine;

/// <summary>Checks paths taken from configuration before they are used in the target root.</summary>
public static class ConfigPathCheck
{
    /// <summary>Returns <paramref name="path"/> if absolute and free of "..", else throws UnsafePathException naming <paramref name="what"/>.</summary>
    public static string Absolute(string path, string what) => TargetRoot.CheckConfigPath(path, what);
}
