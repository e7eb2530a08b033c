using Keel.Packaging;

namespace Keel.Solver;

/// <summary>Reads the final assignment as a transaction: what is new, what replaces what, what goes away.</summary>
internal static class TransactionBuilder
{
    public static Transaction Build(RuleSet rules)
    {
        var sat = rules.Sat;
        var pool = rules.Context.Pool;
        var incoming = rules.Closure.Where(p => !pool.IsSystem(p) && sat.Value(p) > 0).ToList();
        var leaving = rules.InstalledIds.Where(p => sat.Value(p) < 0 || (sat.Value(p) == 0 && rules.Erased[p])).ToHashSet();

        var install = new List<PackageMetadata>();
        var upgrade = new List<PackageReplacement>();
        var downgrade = new List<PackageReplacement>();
        var reinstall = new List<PackageReplacement>();
        var remove = new List<PackageRemoval>();
        foreach (var n in incoming)
        {
            var pkg = pool.Package(n);
            int old = leaving.FirstOrDefault(r => pool.Package(r).Name == pkg.Name, 0);
            if (old == 0)
            {
                install.Add(pkg);
                continue;
            }

            leaving.Remove(old);
            var replacement = new PackageReplacement(pool.Package(old), pkg);
            int c = pkg.Evr.CompareTo(pool.Package(old).Evr);
            (c > 0 ? upgrade : c < 0 ? downgrade : reinstall).Add(replacement);
        }

        foreach (var r in leaving)
        {
            var victim = pool.Package(r);
            var by = incoming.Select(pool.Package).Where(n => n.Obsoletes.Any(o =>
                o.Name == victim.Name && Dependency.RangesOverlap(DependencyFlags.Equal, victim.Evr, o.Flags, o.Evr))).ToList();
            by.Sort(Transaction.CompareNevra);
            remove.Add(new PackageRemoval(victim, by.FirstOrDefault()));
        }

        install.Sort(Transaction.CompareNevra);
        upgrade.Sort((a, b) => Transaction.CompareNevra(a.New, b.New));
        downgrade.Sort((a, b) => Transaction.CompareNevra(a.New, b.New));
        reinstall.Sort((a, b) => Transaction.CompareNevra(a.New, b.New));
        remove.Sort((a, b) => Transaction.CompareNevra(a.Package, b.Package));
        return new Transaction(install, upgrade, downgrade, reinstall, remove);
    }
}
