using System.Runtime.CompilerServices;
using Keel.Packaging;

namespace Keel.Repository.Metadata;

/// <summary>
/// Shares identical EVRs and dependencies across one load: a big repository repeats "libc.so.6()(64bit)" thousands of times.
/// Keys compare their parts by reference: callers pass strings from <see cref="Strings"/> (so equal text is the same
/// instance) and EVRs from <see cref="Evr"/>, which saves hashing every string again (a string from elsewhere only
/// misses sharing, never matches wrongly).
/// </summary>
internal sealed class DependencyPool
{
    private readonly Dictionary<EvrKey, Evr> _evrs = new(IdentityComparer.Instance);
    private readonly Dictionary<DependencyKey, Dependency> _deps = new(IdentityComparer.Instance);

    public StringPool Strings { get; } = new();

    /// <summary>
    /// Sizes the tables for a repository of <paramref name="packages"/> packages (Debian's 63k hold about 2.9 strings,
    /// 2.6 dependencies and 0.45 EVRs per package), so they are not rehashed and reallocated while growing.
    /// </summary>
    public void Reserve(int packages)
    {
        Strings.Reserve(packages * 3);
        _deps.EnsureCapacity(packages * 3);
        _evrs.EnsureCapacity(packages / 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Evr Evr(string? epoch, string version, string? release)
    {
        var key = new EvrKey(epoch, version, release);
        if (!_evrs.TryGetValue(key, out var evr))
        {
            evr = new Evr(epoch, version, release);
            _evrs.Add(key, evr);
        }

        return evr;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Dependency Dependency(string name, DependencyFlags flags, Evr? evr)
    {
        var key = new DependencyKey(name, flags, evr);
        if (!_deps.TryGetValue(key, out var dep))
        {
            dep = new Dependency(name, flags, evr);
            _deps.Add(key, dep);
        }

        return dep;
    }

    private readonly record struct EvrKey(string? Epoch, string Version, string? Release);

    private readonly record struct DependencyKey(string Name, DependencyFlags Flags, Evr? Evr);

    private sealed class IdentityComparer : IEqualityComparer<EvrKey>, IEqualityComparer<DependencyKey>
    {
        public static readonly IdentityComparer Instance = new();

        public bool Equals(EvrKey x, EvrKey y) =>
            ReferenceEquals(x.Epoch, y.Epoch) && ReferenceEquals(x.Version, y.Version) && ReferenceEquals(x.Release, y.Release);

        public int GetHashCode(EvrKey key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Epoch), RuntimeHelpers.GetHashCode(key.Version), RuntimeHelpers.GetHashCode(key.Release));

        public bool Equals(DependencyKey x, DependencyKey y) =>
            ReferenceEquals(x.Name, y.Name) && x.Flags == y.Flags && ReferenceEquals(x.Evr, y.Evr);

        public int GetHashCode(DependencyKey key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Name), key.Flags, RuntimeHelpers.GetHashCode(key.Evr));
    }
}
