using System.Diagnostics;
using System.Text.Json;
using Keel.Cli;
using Keel.Errors;
using Keel.Tests;

namespace Keel.Mirror.Tests;

/// <summary>
/// keel mirror sync against the signed fixture repository served over loopback HTTP: published snapshots that the real
/// dnf installs from with gpgcheck and repo_gpgcheck, re-syncs that fetch nothing, refusals that keep the previous
/// snapshot served, a SIGKILLed sync resumed, and pruning.
/// </summary>
public sealed class MirrorSyncTests : IDisposable
{
    private readonly DirectoryInfo _tmp = Directory.CreateTempSubdirectory("keel-mirror-");

    private string Dest => Path.Combine(_tmp.FullName, "mirror");

    public void Dispose() => _tmp.Delete(recursive: true);

    [Fact]
    public async Task Sync_publishes_a_snapshot_dnf_installs_from_with_repo_gpgcheck_and_a_resync_fetches_nothing()
    {
        using var upstream = new LoopbackServer(MirrorFixture.Repo);
        var syncer = new MirrorSyncer();
        var first = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });

        Assert.True(first.Published);
        Assert.Null(first.Previous);
        Assert.Equal("snapshots/" + first.Snapshot, MirrorFixture.Current(Dest));
        var repo = first.Repositories.Single();
        Assert.Equal(MirrorFixture.PackageCount, repo.Packages);
        Assert.True(repo.FilesFetched > MirrorFixture.PackageCount, $"{repo.FilesFetched} files fetched");

        // Upstream bytes kept as they are: repomd.xml with its signature, metadata and every package.
        var served = MirrorFixture.Digests(Path.Combine(Dest, "current", "fx"));
        var original = MirrorFixture.Digests(MirrorFixture.Repo);
        Assert.Contains("repodata/repomd.xml.asc", served.Keys);
        Assert.Equal(MirrorFixture.PackageCount, served.Keys.Count(k => k.EndsWith(".rpm", StringComparison.Ordinal)));
        foreach (var (path, digest) in served)
        {
            Assert.Equal(original[path], digest);
        }

        // The real dnf, with the vendor key only, verifies repomd.xml and the packages from the mirror over HTTP.
        using (var mirror = new LoopbackServer(Dest))
        {
            var root = Path.Combine(_tmp.FullName, "root");
            var repos = Path.Combine(_tmp.FullName, "repos.d");
            Directory.CreateDirectory(repos);
            File.WriteAllText(Path.Combine(repos, "mirror.repo"), $"[mirror]\nname=mirror\nbaseurl={mirror.BaseUrl}current/fx/\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://{MirrorFixture.Key}\n");
            MirrorFixture.Run("dnf", "-y", "-q", "--installroot", root, "--setopt=reposdir=" + repos, "--setopt=cachedir=" + Path.Combine(_tmp.FullName, "dnf-cache"),
                "--releasever=4", "--forcearch=x86_64", "--disableplugin=*", "--setopt=gpgcheck=1", "--setopt=repo_gpgcheck=1", "install", "filesystem");
            Assert.StartsWith("filesystem-", MirrorFixture.Run("rpm", "--root", root, "-q", "filesystem"), StringComparison.Ordinal);
            Assert.Contains(mirror.Log, l => l.EndsWith("/current/fx/repodata/repomd.xml.asc", StringComparison.Ordinal));
        }

        upstream.Log.Clear();
        var second = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        Assert.False(second.Published);
        Assert.Equal(first.Snapshot, second.Snapshot);
        Assert.True(second.Repositories.Single().Unchanged);
        Assert.Equal(0, second.Repositories.Single().FilesFetched);
        Assert.All(upstream.Log, l => Assert.Matches(@"^GET /repodata/repomd\.xml(\.asc)?$", l));
        Assert.Equal(2, upstream.Log.Count);
        Assert.Single(Directory.GetDirectories(Path.Combine(Dest, "snapshots")));
    }

    [Fact]
    public async Task A_package_changed_upstream_without_a_new_signature_is_refused_and_the_previous_snapshot_stays_served()
    {
        var up = MirrorFixture.Copy(_tmp.FullName);
        using var upstream = new LoopbackServer(up);
        var syncer = new MirrorSyncer();
        var first = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        var before = MirrorFixture.Digests(Path.Combine(Dest, "current"));

        // One byte of busybox rewritten upstream; the metadata updated to its new checksum and re-signed, the package not.
        var rpm = Directory.GetFiles(Path.Combine(up, "Packages"), "busybox-1*.x86_64.rpm", SearchOption.AllDirectories).Single(); // not busybox-oci-image
        var bytes = File.ReadAllBytes(rpm);
        bytes[^10] ^= 0x5a;
        File.WriteAllBytes(rpm, bytes);
        File.SetLastWriteTimeUtc(rpm, DateTime.UtcNow.AddMinutes(5));
        MirrorFixture.Run("createrepo_c", "--quiet", "--update", "--keep-all-metadata", up);
        MirrorFixture.Sign(up);

        var refused = await Assert.ThrowsAnyAsync<KeelException>(() => syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest }));
        Assert.Contains("busybox-1.36.1-1.azl4.x86_64", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.Contains("current still serves snapshot " + first.Snapshot, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);

        Assert.Equal("snapshots/" + first.Snapshot, MirrorFixture.Current(Dest));
        Assert.Equal(before, MirrorFixture.Digests(Path.Combine(Dest, "current")));
        Assert.Single(Directory.GetDirectories(Path.Combine(Dest, "snapshots")));
    }

    [Fact]
    public async Task A_sync_killed_with_SIGKILL_leaves_the_previous_snapshot_intact_and_the_next_sync_completes()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "bash-", "filesystem-", "setup-");
        using (var smallServer = new LoopbackServer(small))
        {
            await new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", smallServer.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        }

        var previous = MirrorFixture.Current(Dest);
        var previousFiles = MirrorFixture.Digests(Path.Combine(Dest, previous));

        // The full repository now, served slowly so the kill lands mid-way, after some packages were fetched.
        using var upstream = new LoopbackServer(MirrorFixture.Repo);
        upstream.Intercept = (_, path) =>
        {
            if (path.EndsWith(".rpm", StringComparison.Ordinal))
            {
                Thread.Sleep(150);
            }

            return false;
        };
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "keel.dll"), "mirror", "sync", "--progress", "json", "--parallel", "2", "--key", MirrorFixture.Key, "fx=" + upstream.BaseUrl, Dest })
        {
            psi.ArgumentList.Add(a);
        }

        int packagesDone = 0;
        using (var keel = Process.Start(psi)!)
        {
            var stderr = keel.StandardError.ReadToEndAsync();
            string? line;
            while ((line = await keel.StandardOutput.ReadLineAsync()) is not null)
            {
                var e = JsonDocument.Parse(line).RootElement;
                if (e.GetProperty("type").GetString() == "progress" && e.GetProperty("step").GetString() == "mirror.fx" && e.GetProperty("done").GetInt32() > 0)
                {
                    packagesDone = e.GetProperty("done").GetInt32();
                    if (packagesDone >= 12)
                    {
                        keel.Kill(entireProcessTree: false);
                        break;
                    }
                }
            }

            await keel.WaitForExitAsync();
            Assert.True(packagesDone >= 12, $"keel ended before it was killed: exit {keel.ExitCode}: {await stderr}");
            Assert.Equal(137, keel.ExitCode);
        }

        // Killed: nothing published, the previous snapshot whole, the verified files waiting in the staging pool.
        Assert.Equal(previous, MirrorFixture.Current(Dest));
        Assert.Equal(previousFiles, MirrorFixture.Digests(Path.Combine(Dest, previous)));
        Assert.Single(Directory.GetDirectories(Path.Combine(Dest, "snapshots")), d => !Path.GetFileName(d).StartsWith('.'));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Dest, ".staging")));

        upstream.Intercept = null;
        upstream.Log.Clear();
        var next = await new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        Assert.True(next.Published);
        Assert.Equal("snapshots/" + next.Snapshot, MirrorFixture.Current(Dest));
        Assert.Equal(MirrorFixture.PackageCount, Directory.GetFiles(Path.Combine(Dest, "current", "fx"), "*.rpm", SearchOption.AllDirectories).Length);

        // What the killed run had fetched (and the small snapshot's packages) is not fetched again.
        var rpmsFetched = upstream.Log.Count(l => l.Contains(".rpm", StringComparison.Ordinal));
        Assert.True(rpmsFetched <= MirrorFixture.PackageCount - 12, $"{rpmsFetched} packages fetched again");
        Assert.True(next.Repositories.Single().FilesReused >= 12, $"{next.Repositories.Single().FilesReused} reused");
        Assert.False(Directory.Exists(Path.Combine(Dest, ".staging")));
    }

    [Fact]
    public async Task Keep_prunes_the_oldest_snapshots_but_never_the_current_one()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "bash-", "filesystem-");
        using var upstream = new LoopbackServer(small);
        var syncer = new MirrorSyncer();
        var a = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        var b = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl), MirrorFixture.Definition("fx2", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        Assert.True(b.Published);
        Assert.Equal(0, b.Repositories[1].FilesFetched);

        var c = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest, Keep = 2 });
        Assert.True(c.Published);
        Assert.Equal([a.Snapshot], c.Pruned);
        Assert.Equal(new[] { b.Snapshot, c.Snapshot }, Directory.GetDirectories(Path.Combine(Dest, "snapshots")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // An unchanged sync with --keep 1 leaves only the current snapshot.
        var d = await syncer.SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest, Keep = 1 });
        Assert.False(d.Published);
        Assert.Equal([b.Snapshot], d.Pruned);
        Assert.Equal(new[] { c.Snapshot }, Directory.GetDirectories(Path.Combine(Dest, "snapshots")).Select(Path.GetFileName));
        Assert.Equal("snapshots/" + c.Snapshot, MirrorFixture.Current(Dest));
    }

    [Fact]
    public async Task Cli_syncs_a_repo_id_from_a_repo_file_and_refuses_a_repository_without_a_key_in_one_line()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "filesystem-", "setup-");
        using var upstream = new LoopbackServer(small);
        var repoFile = Path.Combine(_tmp.FullName, "vendor.repo");
        File.WriteAllText(repoFile, $"[vendor-base]\nname=vendor\nbaseurl={upstream.BaseUrl}\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://{MirrorFixture.Key}\n");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await KeelCli.RunAsync(["mirror", "sync", "--progress", "plain", "--repofile", repoFile, "--keep", "3", "vendor-base", Dest], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("published snapshot", stdout.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Dest, "current", "vendor-base", "repodata", "repomd.xml.asc")));

        stderr = new StringWriter();
        code = await KeelCli.RunAsync(["mirror", "sync", "--progress", "plain", "plain=" + upstream.BaseUrl, Path.Combine(_tmp.FullName, "other")], new StringWriter(), stderr);
        Assert.Equal(ExitCodes.Failed, code);
        var error = stderr.ToString().Trim().Split('\n')[^1];
        Assert.StartsWith("keel: ", error, StringComparison.Ordinal);
        Assert.Contains("'plain': no trusted key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repomd_signed_by_another_key_is_refused_before_anything_is_fetched()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "filesystem-");
        var home = Path.Combine(_tmp.FullName, "other-gnupg");
        Directory.CreateDirectory(home);
        MirrorFixture.Run("gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", "Other <other@keel.invalid>", "rsa2048", "sign", "never");
        var repomd = Path.Combine(small, "repodata", "repomd.xml");
        MirrorFixture.Run("gpg", "--homedir", home, "--batch", "--yes", "--armor", "--detach-sign", "-o", repomd + ".asc", repomd);
        using var upstream = new LoopbackServer(small);

        var refused = await Assert.ThrowsAsync<SignatureException>(() => new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest }));
        Assert.Contains("repomd.xml: signature check failed", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Dest, "current")));
        Assert.DoesNotContain(upstream.Log, l => l.Contains(".rpm", StringComparison.Ordinal) || l.Contains("primary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_sync_publishes_nothing_and_leaves_no_half_tree()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "bash-", "filesystem-", "setup-");
        using var upstream = new LoopbackServer(small);
        var first = await new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });

        // Another repository id, so the next sync has work to do; cancelled after its first package.
        upstream.Intercept = (_, path) =>
        {
            if (path.EndsWith(".rpm", StringComparison.Ordinal))
            {
                Thread.Sleep(200);
            }

            return false;
        };
        using var cts = new CancellationTokenSource();
        var progress = new CancelAfterFirstPackage(cts);
        var other = MirrorFixture.Small(Path.Combine(_tmp.FullName, "o"), "binutils-", "busybox-");
        using var otherServer = new LoopbackServer(other);
        otherServer.Intercept = upstream.Intercept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MirrorSyncer().SyncAsync(
            [MirrorFixture.Definition("fx", upstream.BaseUrl), MirrorFixture.Definition("more", otherServer.BaseUrl)],
            new MirrorSyncOptions { Destination = Dest, MaxParallel = 1 },
            progress,
            cts.Token));

        Assert.True(progress.Cancelled);
        Assert.Equal("snapshots/" + first.Snapshot, MirrorFixture.Current(Dest));
        Assert.Equal(new[] { first.Snapshot }, Directory.GetDirectories(Path.Combine(Dest, "snapshots")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_package_listed_twice_is_fetched_and_verified_once()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "filesystem-");
        var rpm = Directory.GetFiles(Path.Combine(small, "Packages"), "*.rpm").Single();
        Directory.CreateDirectory(Path.Combine(small, "Packages", "again"));
        File.Copy(rpm, Path.Combine(small, "Packages", "again", Path.GetFileName(rpm)));
        MirrorFixture.Run("createrepo_c", "--quiet", small);
        MirrorFixture.Sign(small);
        using var upstream = new LoopbackServer(small);

        var report = await new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });
        Assert.Equal(2, report.Repositories.Single().Packages);
        Assert.Single(upstream.Log, l => l.EndsWith(".rpm", StringComparison.Ordinal));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Dest, "current", "fx"), "*.rpm", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task New_keys_recheck_the_previous_snapshot_locally_and_fetch_nothing_again()
    {
        var small = MirrorFixture.Small(_tmp.FullName, "bash-", "filesystem-");
        using var upstream = new LoopbackServer(small);
        var first = await new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", upstream.BaseUrl)], new MirrorSyncOptions { Destination = Dest });

        // A second trusted key beside the fixture's: the repository is no longer "unchanged", its files are re-checked.
        var home = Path.Combine(_tmp.FullName, "second-gnupg");
        Directory.CreateDirectory(home);
        MirrorFixture.Run("gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", "Second <second@keel.invalid>", "rsa2048", "sign", "never");
        var second = Path.Combine(_tmp.FullName, "second.asc");
        File.WriteAllText(second, MirrorFixture.Run("gpg", "--homedir", home, "--armor", "--export"));
        upstream.Log.Clear();
        var definition = MirrorFixture.Definition("fx", upstream.BaseUrl) with { GpgKeys = [MirrorFixture.Key, second] };
        var report = await new MirrorSyncer().SyncAsync([definition], new MirrorSyncOptions { Destination = Dest });

        Assert.True(report.Published);
        Assert.NotEqual(first.Snapshot, report.Snapshot);
        Assert.False(report.Repositories.Single().Unchanged);
        Assert.Equal(0, report.Repositories.Single().FilesFetched);
        Assert.DoesNotContain(upstream.Log, l => l.EndsWith(".rpm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_sync_on_the_same_mirror_is_refused_while_one_runs()
    {
        using var held = SnapshotStore.Open(Dest);
        var refused = await Assert.ThrowsAsync<KeelException>(() => new MirrorSyncer().SyncAsync([MirrorFixture.Definition("fx", "http://127.0.0.1:9/")], new MirrorSyncOptions { Destination = Dest }));
        Assert.Equal(Dest + ": another keel mirror sync is running on this mirror", refused.Message);
    }

    /// <summary>Cancels the sync as soon as one package of "more" is through (reported synchronously, on the syncing thread).</summary>
    private sealed class CancelAfterFirstPackage(CancellationTokenSource cts) : IProgress<Keel.Progress.EngineEvent>
    {
        public bool Cancelled { get; private set; }

        public void Report(Keel.Progress.EngineEvent value)
        {
            if (value is Keel.Progress.ProgressEvent { StepId: "mirror.more", Done: > 0 })
            {
                Cancelled = true;
                cts.Cancel();
            }
        }
    }
}
