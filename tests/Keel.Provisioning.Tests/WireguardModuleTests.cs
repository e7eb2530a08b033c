namespace Keel.Provisioning.Tests;

/// <summary>
/// wireguard in a target root: the configuration files (content, mode 0600, owner root), wg-quick@NAME enabled as the real
/// systemctl --root reads it back (the instance link to the template unit), the probes left for the first boot, and a root
/// without wireguard-tools deferred. Not side by side: Debian's cloud-init chroot has no wireguard-tools (and cloud-init
/// would start the interface in it); the unit is wireguard-tools' documented wg-quick@.service at Fedora's location.
/// </summary>
public sealed class WireguardModuleTests
{
    // wireguard-tools' src/systemd/wg-quick@.service, as Fedora and Azure Linux install it in /usr/lib/systemd/system.
    private const string Unit = """
        [Unit]
        Description=WireGuard via wg-quick(8) for %I
        After=network-online.target nss-lookup.target
        Wants=network-online.target nss-lookup.target
        PartOf=wg-quick.target

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/bin/wg-quick up %i
        ExecStop=/usr/bin/wg-quick down %i

        [Install]
        WantedBy=multi-user.target

        """;

    private const string Wg0 = "[Interface]\nPrivateKey = qGr3nyHGa8ojqL8drTEsvGPNHbA0rDmE2LxNt7NnI1Y=\nAddress = 10.10.0.2/24\nListenPort = 51820\n\n[Peer]\nPublicKey = 5xyVD5+LAtJq4Y4WZDYDqvrV/1kGyQ6IZeRBSb7Xnh0=\nEndpoint = 192.0.2.1:51820\nAllowedIPs = 10.10.0.0/24\n";

    [Fact]
    public void Interfaces_are_written_private_and_their_services_enabled()
    {
        using var t = new TestRoot();
        MakeWireguardTools(t);
        t.Seed(Config(probes: false));
        var status = t.Run();
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        var module = status.Modules.Single(m => m.Name == "wireguard");
        Assert.Equal(("ran", "config", "once-per-instance"), (module.Result, module.Stage, module.Frequency));

        Assert.Equal(Wg0, t["/etc/wireguard/wg0.conf"]);
        Assert.Equal("0:0 600", t.Stat("/etc/wireguard/wg0.conf"));
        Assert.Equal("[Interface]\nPrivateKey = x\n", t["/etc/wireguard/wg-edge.conf"]);
        Assert.Equal("0:0 600", t.Stat("/etc/wireguard/wg-edge.conf"));
        foreach (var name in new[] { "wg0", "wg-edge" })
        {
            Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", $"wg-quick@{name}.service").Trim());
            Assert.Equal("/usr/lib/systemd/system/wg-quick@.service", new FileInfo(t.Host($"/etc/systemd/system/multi-user.target.wants/wg-quick@{name}.service")).LinkTarget);
        }

        Assert.Equal("already-ran", t.Run(bootId: "boot-2").Modules.Single(m => m.Name == "wireguard").Result);
    }

    [Fact]
    public void Readiness_probes_wait_for_the_first_boot_of_a_target_root()
    {
        using var t = new TestRoot();
        MakeWireguardTools(t);
        var marker = Path.Combine(t.Base, "probed");
        t.Seed(Config(probes: true, marker));
        var status = t.Run();
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == "wireguard").Result);
        Assert.Equal(Wg0, t["/etc/wireguard/wg0.conf"]);
        Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", "wg-quick@wg0.service").Trim());

        // Not run on the build host: a probe checks the interface of the machine that boots the root.
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Without_wireguard_tools_a_target_root_gets_the_files_and_the_rest_on_first_boot()
    {
        using var t = new TestRoot();
        t.Seed(Config(probes: false));
        Assert.Equal("deferred", t.Run().Modules.Single(m => m.Name == "wireguard").Result);
        Assert.Equal("0:0 600", t.Stat("/etc/wireguard/wg0.conf"));
        Assert.False(Directory.Exists(t.Host("/etc/systemd/system/multi-user.target.wants")));
    }

    [Fact]
    public void Cloud_init_s_documentation_example_applies()
    {
        using var t = new TestRoot();
        MakeWireguardTools(t);
        t.Seed(File.ReadAllText(Keel.Tests.TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_wireguard", "example1.yaml")));
        var status = t.Run();

        // Three readiness probes: left for the first boot.
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == "wireguard").Result);
        foreach (var name in new[] { "wg0", "wg1" })
        {
            Assert.StartsWith("[Interface]\nPrivateKey = <private_key>\n", t[$"/etc/wireguard/{name}.conf"], StringComparison.Ordinal);
            Assert.Equal("0:0 600", t.Stat($"/etc/wireguard/{name}.conf"));
            Assert.Equal("enabled", Tool.Run("systemctl", "--root", t.RootPath, "is-enabled", $"wg-quick@{name}.service").Trim());
        }
    }

    [Theory]
    [InlineData("wireguard:\n  interfaces:\n    - {name: wg0, content: x}\n", "wireguard.interfaces.0: missing required keys: config_path")]
    [InlineData("wireguard:\n  interfaces:\n    - {name: \"wg0;reboot\", config_path: /etc/wireguard/x.conf, content: x}\n", "wireguard.interfaces.0.name 'wg0;reboot': an interface name is 1 to 15 of A-Z a-z 0-9 _ = + . -")]
    [InlineData("wireguard: {readinessprobe: [\"true\"]}\n", "wireguard.interfaces is required")]
    public void Bad_interfaces_fail_the_module_naming_the_key(string config, string error)
    {
        using var t = new TestRoot();
        MakeWireguardTools(t);
        t.Seed("#cloud-config\n" + config);
        var module = t.Run().Modules.Single(m => m.Name == "wireguard");
        Assert.Equal("failed", module.Result);
        Assert.Equal(error, module.Error);
        Assert.False(Directory.Exists(t.Host("/etc/wireguard")));
    }

    private static string Config(bool probes, string marker = "/nonexistent") =>
        "#cloud-config\nwireguard:\n  interfaces:\n    - name: wg0\n      config_path: /etc/wireguard/wg0.conf\n      content: |\n" +
        string.Join('\n', Wg0.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? "" : "        " + l)) + "\n" +
        "    - {name: wg-edge, config_path: /etc/wireguard/wg-edge.conf, content: \"[Interface]\\nPrivateKey = x\\n\"}\n" +
        (probes ? $"  readinessprobe:\n    - \"touch {marker}\"\n    - \"ping -c 1 10.10.0.1\"\n" : "");

    private static void MakeWireguardTools(TestRoot t)
    {
        Directory.CreateDirectory(t.Host("/usr/bin"));
        Directory.CreateDirectory(t.Host("/usr/lib/systemd/system"));
        File.WriteAllText(t.Host("/usr/bin/wg"), "#!/bin/sh\n");
        File.SetUnixFileMode(t.Host("/usr/bin/wg"), (UnixFileMode)0x1ed);
        File.WriteAllText(t.Host("/usr/lib/systemd/system/wg-quick@.service"), Unit);
    }
}
