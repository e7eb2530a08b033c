using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Issue 3's booted test: a fixture image with the keel-agent package (NativeAOT binary, packaging/keel-agent's spec and
/// units) boots under `keel vm run` with a NoCloud seed on a cidata disk, and comes up with the configured user, key
/// and host name.
/// </summary>
public sealed class AgentBootTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeelAgentBootTestKeyKeelAgentBootTestKey01 alice@e2e";
    private readonly string _work = EndToEnd.Scratch("agent");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task The_seed_provisions_user_key_and_hostname_on_first_boot()
    {
        var agentRepo = EndToEnd.AgentRepository();
        // The agent's repository is unsigned test output; the distribution's stays signed (gpgcheck per repository).
        var config = EndToEnd.WriteConfig(_work, "minimal", moreRepositories: $"""
              - id: keel-agent
                path: {agentRepo}
                gpgcheck: false
            """, extra: """
            packages:
              include:
                - keel-agent
            services:
              enable:
                - keel-agent-local.service
                - keel-agent-final.service
            """);
        var loaded = EndToEnd.Load(config);
        var image = Path.Combine(_work, "agent.qcow2");
        var result = await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()));
        Assert.Contains(result.Packages, p => p.StartsWith("keel-agent-", StringComparison.Ordinal));
        Assert.Contains(result.Packages, p => p.StartsWith("mtools-", StringComparison.Ordinal));

        var seed = Path.Combine(_work, "seed");
        Directory.CreateDirectory(seed);
        File.WriteAllText(Path.Combine(seed, "meta-data"), "instance-id: e2e-agent-1\nlocal-hostname: from-meta-data\n");
        File.WriteAllText(Path.Combine(seed, "user-data"), $"""
            #cloud-config
            hostname: provisioned-by-keel
            users:
              - name: alice
                groups: [wheel]
                lock_passwd: true
                ssh_authorized_keys:
                  - {Key}
            runcmd:
              - echo "KEEL-AGENT-HOSTNAME $(hostname)" > /dev/console
              - echo "KEEL-AGENT-USER $(grep '^alice:' /etc/passwd)" > /dev/console
              - echo "KEEL-AGENT-KEY $(cat /home/alice/.ssh/authorized_keys)" > /dev/console
              - echo "KEEL-AGENT-MODES $(stat -c '%a %U' /home/alice/.ssh /home/alice/.ssh/authorized_keys | tr '\n' ' ')" > /dev/console
              - echo KEEL-AGENT-DONE > /dev/console

            """);

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, SeedDirectory = seed, Expect = "KEEL-AGENT-DONE", Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work }, console);
        var log = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine(log);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(log)}");
        Assert.Contains("KEEL-AGENT-HOSTNAME provisioned-by-keel\n", log, StringComparison.Ordinal);
        Assert.Matches(@"KEEL-AGENT-USER alice:x:1000:1000:[^:]*:/home/alice:/bin/bash\n", log);
        Assert.Contains($"KEEL-AGENT-KEY {Key}\n", log, StringComparison.Ordinal);
        Assert.Contains("KEEL-AGENT-MODES 700 alice 600 alice", log, StringComparison.Ordinal);
    }
}
