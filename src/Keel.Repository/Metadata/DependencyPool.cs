using Keel.Packaging;

namespace Keel.Repository.Metadata;

/// <summary>Shares identical EVRs and dependencies across one load: a big repository repeats "libc.so.6()(64bit)" thousands of times.</summary>
internal sealed class DependencyPool
{
    private readonly Dictionary<(string?, string, string?), Evr> _evrs = [];
    private readonly Dictionary<(string, DependencyFlags, Evr?), Dependency> _deps = [];

    public StringPool Strings { get; } = new();

    public Evr Evr(string? epoch, string version, string? release)
    {
        var key = (epoch, version, release);
        if (!_evrs.TryGetValue(key, out var evr))
        {
            evr = new Evr(epoch, version, release);
            _evrs.Add(key, evr);
        }

        return evr;
    }

    public Dependency Dependency(string name, DependencyFlags flags, Evr? evr)
    {
        var key = (name, flags, evr);
        if (!_deps.TryGetValue(key, out var dep))
        {
            dep = new Dependency(name, flags, evr);
            _deps.Add(key, dep);
        }

        return dep;
    }
}
