using Keel.Packaging;

namespace Keel.Solver.Tests;

public sealed class SolverSemanticsTests
{
    [Fact]
    public void Requires_pulls_the_provider_and_a_package_provides_its_own_name()
    {
        var pool = Pkg.Pool(Pkg.Make("a-1-1.x86_64", requires: ["b >= 2"]), Pkg.Make("b-1-1.x86_64"), Pkg.Make("b-2-1.x86_64"));
        Assert.Equal(["a-1-1.x86_64", "b-2-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
    }

    [Fact]
    public void Newest_version_wins_by_default()
    {
        var pool = Pkg.Pool(Pkg.Make("a-1-1.x86_64"), Pkg.Make("a-1.10-1.x86_64"), Pkg.Make("a-1.9-1.x86_64"));
        Assert.Equal(["a-1.10-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
    }

    [Fact]
    public void File_dependency_is_met_by_the_package_owning_the_file()
    {
        var pool = Pkg.Pool(Pkg.Make("a-1-1.x86_64", requires: ["/usr/bin/sh"]), Pkg.Make("bash-5-1.x86_64", files: ["/usr/bin/sh", "/usr/bin/bash"]));
        Assert.Equal(["a-1-1.x86_64", "bash-5-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
        Assert.Equal(["bash-5-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "/usr/bin/bash")));
    }

    [Fact]
    public void Rich_or_takes_an_alternative_and_rich_if_only_applies_when_its_condition_holds()
    {
        var pool = Pkg.Pool(
            Pkg.Make("x-1-1.x86_64", requires: ["(missing or b)"]),
            Pkg.Make("b-1-1.x86_64"),
            Pkg.Make("y-1-1.x86_64", requires: ["(c if d)"]),
            Pkg.Make("c-1-1.x86_64"),
            Pkg.Make("d-1-1.x86_64"));
        Assert.Equal(["b-1-1.x86_64", "x-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "x")));
        Assert.Equal(["y-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "y")));
        Assert.Equal(["c-1-1.x86_64", "d-1-1.x86_64", "y-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "y", "d")));
    }

    [Fact]
    public void Rich_with_needs_one_package_matching_both_and_rich_conflicts_block_the_combination()
    {
        var pool = Pkg.Pool(
            Pkg.Make("x-1-1.x86_64", requires: ["(lib with lib(x86-64))"]),
            Pkg.Make("lib32-1-1.x86_64", provides: ["lib"]),
            Pkg.Make("lib64-1-1.x86_64", provides: ["lib", "lib(x86-64)"]),
            Pkg.Make("z-1-1.x86_64", conflicts: ["(c and d)"]),
            Pkg.Make("c-1-1.x86_64"),
            Pkg.Make("d-1-1.x86_64"));
        Assert.Equal(["lib64-1-1.x86_64", "x-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "x")));
        Assert.Equal(["c-1-1.x86_64", "z-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "z", "c")));
        Assert.False(Pkg.Install(pool, "z", "c", "d").Succeeded);
    }

    [Fact]
    public void Conflict_makes_the_solver_pick_the_other_provider()
    {
        var pool = Pkg.Pool(
            Pkg.Make("a-1-1.x86_64", requires: ["mta"]),
            Pkg.Make("exim-1-1.x86_64", provides: ["mta"], conflicts: ["a"]),
            Pkg.Make("postfix-1-1.x86_64", provides: ["mta"]));
        Assert.Equal(["a-1-1.x86_64", "postfix-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
    }

    [Fact]
    public void Obsoletes_matches_names_and_replaces_the_installed_package()
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        pool.SetInstalled([Pkg.Make("old-1-1.x86_64")]);
        pool.AddRepository(new RepoInfo("repo"), [Pkg.Make("new-2-1.x86_64", obsoletes: ["old < 2"])]);
        var result = Solver.Solve(pool, [SolverJob.Install("new")]);
        Assert.Equal(["new-2-1.x86_64"], Pkg.Installs(result));
        var removal = Assert.Single(result.Transaction!.Remove);
        Assert.Equal("old-1-1.x86_64", removal.Package.Nevra);
        Assert.Equal("new-2-1.x86_64", removal.ObsoletedBy!.Nevra);
    }

    [Fact]
    public void Recommends_are_installed_unless_NoRecommends_or_impossible()
    {
        var pool = Pkg.Pool(
            Pkg.Make("a-1-1.x86_64", recommends: ["r", "broken"]),
            Pkg.Make("r-1-1.x86_64"),
            Pkg.Make("broken-1-1.x86_64", requires: ["nothing-has-this"]));
        Assert.Equal(["a-1-1.x86_64", "r-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
        Assert.Equal(["a-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, new SolverOptions { NoRecommends = true }, "a")));
    }

    [Fact]
    public void Supplements_install_a_package_when_what_it_supplements_is_installed()
    {
        var pool = Pkg.Pool(Pkg.Make("fw-1-1.noarch"), Pkg.Make("fw-lang-1-1.noarch", supplements: ["fw"]), Pkg.Make("other-1-1.noarch"));
        Assert.Equal(["fw-1-1.noarch", "fw-lang-1-1.noarch"], Pkg.Installs(Pkg.Install(pool, "fw")));
        Assert.Equal(["other-1-1.noarch"], Pkg.Installs(Pkg.Install(pool, "other")));
    }

    [Fact]
    public void Priority_excludes_lower_priority_repos_for_a_name_and_cost_breaks_ties()
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        pool.AddRepository(new RepoInfo("high", Priority: 10), [Pkg.Make("a-1-1.x86_64")]);
        pool.AddRepository(new RepoInfo("low", Priority: 50), [Pkg.Make("a-9-1.x86_64")]);
        pool.AddRepository(new RepoInfo("dear", Priority: 10, Cost: 2000), [Pkg.Make("b-1-1.x86_64")]);
        pool.AddRepository(new RepoInfo("cheap", Priority: 10, Cost: 100), [Pkg.Make("b-1-1.x86_64")]);
        var result = Solver.Solve(pool, [SolverJob.Install("a"), SolverJob.Install("b")]);
        var installs = result.Transaction!.Install;
        Assert.Equal("a-1-1.x86_64", installs[0].Nevra);
        Assert.Equal("high", pool.RepositoryOf(installs[0]).Id);
        Assert.Equal("cheap", pool.RepositoryOf(installs[1]).Id);
    }

    [Fact]
    public void Arch_policy_prefers_the_machine_arch_and_refuses_foreign_ones()
    {
        var pool = Pkg.Pool(Pkg.Make("a-1-1.aarch64"), Pkg.Make("a-1-1.x86_64"), Pkg.Make("n-1-1.noarch"), Pkg.Make("only-1-1.aarch64"));
        Assert.Equal(["a-1-1.x86_64"], Pkg.Installs(Pkg.Install(pool, "a")));
        Assert.Equal(["n-1-1.noarch"], Pkg.Installs(Pkg.Install(pool, "n")));
        Assert.False(Pkg.Install(pool, "only").Succeeded);
    }

    [Fact]
    public void Installed_packages_stay_unless_upgraded_and_upgrade_takes_the_newest()
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        pool.SetInstalled([Pkg.Make("a-1-1.x86_64"), Pkg.Make("b-1-1.x86_64")]);
        pool.AddRepository(new RepoInfo("repo"), [Pkg.Make("a-2-1.x86_64"), Pkg.Make("a-3-1.x86_64"), Pkg.Make("b-2-1.x86_64"), Pkg.Make("c-1-1.x86_64")]);
        var install = Solver.Solve(pool, [SolverJob.Install("c")]);
        Assert.Equal(["c-1-1.x86_64"], Pkg.Installs(install));
        Assert.Empty(install.Transaction!.Upgrade);

        var upgrade = Solver.Solve(pool, [SolverJob.Upgrade("a")]);
        var change = Assert.Single(upgrade.Transaction!.Upgrade);
        Assert.Equal("a-1-1.x86_64 -> a-3-1.x86_64", change.ToString());

        var all = Solver.Solve(pool, [SolverJob.UpgradeAll()]);
        Assert.Equal(["a-3-1.x86_64", "b-2-1.x86_64"], all.Transaction!.Upgrade.Select(u => u.New.Nevra));
    }

    [Fact]
    public void Erase_removes_dependents_but_install_never_removes_without_AllowErasing()
    {
        var pool = new Pool(ArchPolicy.For("x86_64"));
        pool.SetInstalled([Pkg.Make("lib-1-1.x86_64"), Pkg.Make("app-1-1.x86_64", requires: ["lib"])]);
        pool.AddRepository(new RepoInfo("repo"), [Pkg.Make("rival-1-1.x86_64", conflicts: ["lib"])]);
        var erase = Solver.Solve(pool, [SolverJob.Erase("lib")]);
        Assert.Equal(["app-1-1.x86_64", "lib-1-1.x86_64"], erase.Transaction!.Remove.Select(r => r.Package.Nevra));

        var refused = Solver.Solve(pool, [SolverJob.Install("rival")]);
        Assert.False(refused.Succeeded);
        var allowed = Solver.Solve(pool, [SolverJob.Install("rival")], new SolverOptions { AllowErasing = true });
        Assert.Equal(["app-1-1.x86_64", "lib-1-1.x86_64"], allowed.Transaction!.Remove.Select(r => r.Package.Nevra));
    }

    [Fact]
    public void Provider_choice_follows_libsolv_policy_name_order_and_versioned_provides()
    {
        // libsolv: equal providers go in name order; a higher provided version wins (sort_by_common_dep).
        var pool = Pkg.Pool(
            Pkg.Make("x-1-1.noarch", requires: ["y"]),
            Pkg.Make("b-1-1.noarch", provides: ["y"]),
            Pkg.Make("a-1-1.noarch", provides: ["y"]),
            Pkg.Make("v-1-1.noarch", requires: ["w"]),
            Pkg.Make("c-1-1.noarch", provides: ["w = 1"]),
            Pkg.Make("d-1-1.noarch", provides: ["w = 2"]));
        Assert.Equal(["a-1-1.noarch", "x-1-1.noarch"], Pkg.Installs(Pkg.Install(pool, "x")));
        Assert.Equal(["d-1-1.noarch", "v-1-1.noarch"], Pkg.Installs(Pkg.Install(pool, "v")));
    }

    [Fact]
    public void InstallOneOf_takes_exactly_one_of_the_listed_packages()
    {
        var a = Pkg.Make("a-1-1.noarch");
        var b = Pkg.Make("b-1-1.noarch");
        var pool = Pkg.Pool(a, b);
        Assert.Equal(["a-1-1.noarch"], Pkg.Installs(Solver.Solve(pool, [SolverJob.InstallOneOf([b, a])])));
    }
}
