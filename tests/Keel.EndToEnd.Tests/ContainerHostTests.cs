using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Issue 12: a Container Host image of the fixture distribution is a real container host. Under systemd as PID 1, with
/// keel-agent provisioning it from a NoCloud seed, the booted machine loads the fixture's busybox OCI archive into podman
/// and runs it, reaches one container from another by name on the default network (aardvark-dns) and a published port
/// from the test host (qemu's hostfwd), runs the same image with containerd's ctr, and shows keel-agent's units in
/// their order. The guest reports on the serial console from a unit that starts when the boot has finished.
/// </summary>
public sealed class ContainerHostTests(ITestOutputHelper output) : IDisposable
{
    private const string Hello = "Hello from the Keel fixture's busybox image";
    private const string Page = "Served by busybox httpd in a Keel fixture container";
    private const string Done = "KEEL-CONTAINERS-DONE";
    private readonly string _work = EndToEnd.Scratch("containers");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    /// <summary>
    /// What the guest runs once the boot is over (e2e-containers.service, Type=exec, after keel-agent-final): every line it
    /// prints goes to the console with a KEEL- prefix the test reads.
    /// </summary>
    private const string GuestScript = """
        #!/bin/sh
        exec > /dev/console 2>&1
        state=$(systemctl is-system-running --wait)
        echo "KEEL-SYSTEM-STATE $state"
        systemctl --failed --no-legend --plain | sed 's/^/KEEL-FAILED-UNIT /'
        echo "KEEL-HOSTNAME $(hostname)"
        for unit in keel-agent-local.service keel-agent-final.service sshd.service containerd.service multi-user.target; do
          result=$(systemctl show -p Result --value $unit)
          echo "KEEL-UNIT $unit $(systemctl show -p ActiveState --value $unit) ${result:--} $(systemctl show -p InactiveExitTimestampMonotonic --value $unit) $(systemctl show -p ActiveEnterTimestampMonotonic --value $unit)"
        done
        echo KEEL-CHAIN-BEGIN
        systemd-analyze critical-chain --no-pager keel-agent-final.service 2>&1
        echo KEEL-CHAIN-END
        image=localhost/keel-fixture/busybox:latest
        archive=/usr/share/keel-fixture/images/busybox.oci.tar
        podman load -i $archive 2>&1 | sed 's/^/KEEL-PODMAN-LOAD /'
        # Each command's output on its own line; what it said on stderr on KEEL-STDERR lines.
        run() { key=$1; shift; out=$("$@" 2>/tmp/e2e-stderr); echo "$key $out"; sed "s/^/KEEL-STDERR $key: /" /tmp/e2e-stderr; }
        run KEEL-PODMAN-RUN podman run --rm $image
        podman run -d --name web -p 8080:80 $image httpd -f -v -p 80 -h /www > /dev/null 2>&1 || echo "KEEL-WEB-FAILED $(podman logs web 2>&1 | tail -n 3)"
        # By name: wget asks aardvark-dns (the container's resolv.conf) for "web"; nslookup's answer goes to stderr.
        # (No wget -T: Debian's busybox-static 1.35 wget crashes with it.)
        run KEEL-BY-NAME podman run --rm $image sh -c 'nslookup web >&2; wget -q -O - http://web/'
        # The test fetches the page from the host through qemu's hostfwd to port 8080; busybox httpd logs the request
        # from qemu's gateway (10.0.2.2). Bounded: two minutes.
        i=0
        while [ $i -lt 120 ] && ! podman logs web 2>&1 | grep -q '10\.0\.2\.2'; do sleep 1; i=$((i + 1)); done
        echo "KEEL-HOST-REQUEST $(podman logs web 2>&1 | grep -c '10\.0\.2\.2')"
        ctr namespaces create e2e 2>/dev/null
        ctr -n e2e images import $archive 2>&1 | sed 's/^/KEEL-CTR-IMPORT /'
        run KEEL-CTR-RUN ctr -n e2e run --rm $image e2e-hello
        echo KEEL-CONTAINERS-DONE
        """;

    [Fact]
    public async Task Container_host_runs_containers_under_systemd_with_the_agent_units_in_order()
    {
        var agentRepo = EndToEnd.AgentRepository();
        // podman's default network ("podman") with aardvark-dns on, so containers on it find each other by name (podman
        // turns DNS off on its built-in default); the rest of the file is what podman itself writes for that network.
        var config = EndToEnd.WriteConfig(_work, "container-host", size: "3GiB", moreRepositories: $"""
              - id: keel-agent
                path: {agentRepo}
                gpgcheck: false
            """, extra: $$$"""
            packages:
              include:
                - keel-agent
                - busybox-oci-image
            services:
              enable:
                - keel-agent-local.service
                - keel-agent-final.service
                - sshd.service
                - containerd.service
                - e2e-containers.service
            files:
              - path: /etc/systemd/network/80-dhcp.network
                content: |
                  [Match]
                  Name=e*

                  [Network]
                  DHCP=yes
              - path: /etc/containers/networks/podman.json
                content: |
                  {"name": "podman", "id": "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9", "driver": "bridge", "network_interface": "podman0", "created": "2025-01-01T00:00:00Z", "subnets": [{"subnet": "10.88.0.0/16", "gateway": "10.88.0.1"}], "ipv6_enabled": false, "internal": false, "dns_enabled": true, "ipam_options": {"driver": "host-local"}}
              - path: /usr/local/libexec/e2e-containers
                mode: "0755"
                content: |
            {{{Indent(GuestScript, 6)}}}
              - path: /etc/systemd/system/e2e-containers.service
                content: |
                  [Unit]
                  Description=Keel E2E: containers on the booted machine
                  After=keel-agent-final.service multi-user.target containerd.service
                  [Service]
                  Type=exec
                  ExecStart=/usr/local/libexec/e2e-containers
                  [Install]
                  WantedBy=multi-user.target

            """);
        var loaded = EndToEnd.Load(config);
        var image = Path.Combine(_work, "container-host.raw");
        var result = await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()));
        Assert.Contains(result.Packages, p => p.StartsWith("busybox-oci-image-", StringComparison.Ordinal));

        var seed = Path.Combine(_work, "seed");
        Directory.CreateDirectory(seed);
        File.WriteAllText(Path.Combine(seed, "meta-data"), "instance-id: e2e-containers-1\n");
        File.WriteAllText(Path.Combine(seed, "user-data"), """
            #cloud-config
            hostname: containers-by-keel
            runcmd:
              - echo KEEL-AGENT-RUNCMD > /dev/console

            """);

        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var fetch = FetchThroughHostForwardAsync(port, stop.Token);
        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions
            {
                ImagePath = image,
                SeedDirectory = seed,
                Expect = Done,
                Timeout = TimeSpan.FromMinutes(15),
                MemoryMiB = 1024,
                TempRoot = _work,
                HostForwards = [new HostForward(IPAddress.Loopback, port, 8080)],
            },
            console);
        await stop.CancelAsync();
        var fromHost = await fetch;
        var log = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine(log);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(log)}");

        // systemd reached "running": no unit failed (a "degraded" would name them on KEEL-FAILED-UNIT lines).
        Assert.Equal("running", Value(log, "KEEL-SYSTEM-STATE"));
        Assert.DoesNotContain("KEEL-FAILED-UNIT", log, StringComparison.Ordinal);

        // First-boot provisioning as before: the seed's host name, its runcmd in the final stage.
        Assert.Equal("containers-by-keel", Value(log, "KEEL-HOSTNAME"));
        Assert.Contains("KEEL-AGENT-RUNCMD\n", log, StringComparison.Ordinal);

        // keel-agent's units in their stages: local (sysinit) done before sshd starts; final after multi-user.target.
        var local = Unit(log, "keel-agent-local.service");
        var final = Unit(log, "keel-agent-final.service");
        var sshd = Unit(log, "sshd.service");
        var multiUser = Unit(log, "multi-user.target");
        Assert.Equal(("active", "success"), (local.State, local.Result));
        Assert.Equal(("active", "success"), (final.State, final.Result));
        Assert.Equal(("active", "success"), (sshd.State, sshd.Result));
        Assert.Equal("active", Unit(log, "containerd.service").State);
        Assert.True(local.ActiveEnter <= sshd.InactiveExit, $"keel-agent-local became active at {local.ActiveEnter} µs, after sshd started at {sshd.InactiveExit} µs");
        Assert.True(multiUser.ActiveEnter <= final.InactiveExit, $"keel-agent-final started at {final.InactiveExit} µs, before multi-user.target at {multiUser.ActiveEnter} µs");
        var chain = EndToEnd.Between(log, "KEEL-CHAIN-BEGIN", "KEEL-CHAIN-END");
        Assert.Contains(chain, l => l.StartsWith("keel-agent-final.service", StringComparison.Ordinal));
        Assert.Contains(chain, l => l.Contains("multi-user.target", StringComparison.Ordinal));

        // podman: load of the archive, run of its default command, a container reaching another by name.
        Assert.Contains("KEEL-PODMAN-LOAD Loaded image: localhost/keel-fixture/busybox:latest\n", log, StringComparison.Ordinal);
        Assert.Equal(Hello, Value(log, "KEEL-PODMAN-RUN"));
        Assert.DoesNotContain("KEEL-WEB-FAILED", log, StringComparison.Ordinal);
        Assert.Equal(Page, Value(log, "KEEL-BY-NAME"));

        // The published port, from the test host through qemu's user network.
        Assert.Equal(Page, fromHost?.Trim());
        Assert.NotEqual("0", Value(log, "KEEL-HOST-REQUEST"));

        // containerd: ctr imports the same archive and runs it.
        Assert.Contains("KEEL-CTR-IMPORT", log, StringComparison.Ordinal);
        Assert.Equal(Hello, Value(log, "KEEL-CTR-RUN"));
    }

    private static string Value(string log, string key)
    {
        // The getty's prompt may share a console line with what the guest prints: the key may start anywhere in it.
        var line = log.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains(key + " ", StringComparison.Ordinal) || l.EndsWith(key, StringComparison.Ordinal));
        Assert.True(line is not null, $"{key} not on the console: {EndToEnd.Tail(log)}");
        var rest = line[(line.IndexOf(key, StringComparison.Ordinal) + key.Length)..];
        return rest.Length > 0 ? rest[1..] : "";
    }

    private sealed record UnitReport(string State, string Result, long InactiveExit, long ActiveEnter);

    private static UnitReport Unit(string log, string unit)
    {
        var parts = Value(log, "KEEL-UNIT " + unit).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(parts.Length == 4, $"KEEL-UNIT {unit}: '{string.Join(' ', parts)}'");
        return new UnitReport(parts[0], parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Asks for the page through the forwarded port until it comes or the run ends; null when it never came.</summary>
    private static async Task<string?> FetchThroughHostForwardAsync(int port, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"), stop);
                if (body.Contains(Page, StringComparison.Ordinal))
                {
                    return body;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return null;
    }

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(l => new string(' ', spaces) + l));
}
