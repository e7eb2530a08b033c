using Keel.Agent;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Tests;

/// <summary>NoCloud (cidata) and ConfigDrive (config-2) filesystems made with the real mkfs.vfat + mcopy and xorriso, found by label and read without mounting.</summary>
public sealed class LabelledFilesystemTests
{
    private const string UserData = "#cloud-config\nhostname: from-label\nruncmd: [[echo, hi]]\n";

    private static AgentStatus Detect(TestRoot t, params string[] devices) =>
        new Provisioner(t.Root, new ProvisioningOptions { BootId = "b1" }, TextWriter.Null)
            .RunDetected(new DatasourceSettings { SeedDevices = devices, ChassisAssetTagFile = "/nonexistent" }, CancellationToken.None);

    // Writes the files of a seed into a fresh directory tree under t.Base.
    private static string Tree(TestRoot t, params (string Path, string Content)[] files)
    {
        var dir = Path.Combine(t.Base, "src-" + Guid.NewGuid().ToString("N"));
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), content);
        }

        return dir;
    }

    private static string Vfat(TestRoot t, string label, string tree)
    {
        var image = Path.Combine(t.Base, $"{label}-{Guid.NewGuid():N}.img");
        using (var f = File.Create(image))
        {
            f.SetLength(2 * 1024 * 1024);
        }

        Tool.Run("mkfs.vfat", "-n", label, image);
        var entries = Directory.GetFileSystemEntries(tree);
        Tool.Run("mcopy", ["-s", "-i", image, .. entries, "::/"]);
        return image;
    }

    private static string Iso(TestRoot t, string label, string tree)
    {
        var image = Path.Combine(t.Base, $"{label}-{Guid.NewGuid():N}.iso");
        Tool.Run("xorriso", "-as", "mkisofs", "-quiet", "-V", label, "-J", "-r", "-o", image, tree);
        return image;
    }

    private static (string, string)[] NoCloudFiles(string instanceId) =>
        [("meta-data", $"instance-id: {instanceId}\nlocal-hostname: ignored\n"), ("user-data", UserData), ("vendor-data", "#cloud-config\nlocale: C.UTF-8\n")];

    [Theory]
    [InlineData("vfat", "cidata")]
    [InlineData("vfat", "CIDATA")]
    [InlineData("iso9660", "cidata")]
    [InlineData("iso9660", "CIDATA")]
    public void NoCloud_seed_filesystem_is_found_by_label_and_read_without_mounting(string type, string label)
    {
        using var t = new TestRoot();
        var tree = Tree(t, NoCloudFiles("iid-" + type));
        var image = type == "vfat" ? Vfat(t, label, tree) : Iso(t, label, tree);
        var found = LabelledFilesystem.Probe(image);
        Assert.Equal(new LabelledFilesystem(image, type, label), found);

        var status = Detect(t, image);
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Select(e => e.Message)));
        Assert.Equal("NoCloud", status.Datasource);
        Assert.Equal("iid-" + type, status.InstanceId);
        Assert.Equal("from-label\n", t["/etc/hostname"]);
        Assert.Equal(UserData, t.Root.ReadAllTextOrNull("/var/lib/cloud/instance/user-data.txt"));
        Assert.Equal("LANG=C.UTF-8\n", t["/etc/locale.conf"]);
    }

    [Fact]
    public void An_empty_seed_directory_in_the_root_does_not_hide_a_cidata_filesystem()
    {
        // keel-agent's package ships /var/lib/cloud/seed/nocloud empty; cloud-init too only takes a seed directory with meta-data.
        using var t = new TestRoot();
        Directory.CreateDirectory(t.Root.Resolve("/var/lib/cloud/seed/nocloud"));
        var image = Vfat(t, "cidata", Tree(t, NoCloudFiles("iid-from-disk")));

        var status = Detect(t, image);
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Select(e => e.Message)));
        Assert.Equal("iid-from-disk", status.InstanceId);
        Assert.Equal("from-label\n", t["/etc/hostname"]);
    }

    [Theory]
    [InlineData("vfat", "config-2")]
    [InlineData("iso9660", "CONFIG-2")]
    public void Config_drive_filesystem_is_found_by_label(string type, string label)
    {
        using var t = new TestRoot();
        var tree = Tree(t,
            (ConfigDrive.MetaDataPath, """{"uuid": "83679162-1378-4288-a2d4-70e13ec132aa", "hostname": "cd-host", "public_keys": {"k": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICd cd@example"}}"""),
            ("openstack/latest/user_data", "#cloud-config\nusers: [default]\n"));
        var image = type == "vfat" ? Vfat(t, label, tree) : Iso(t, label, tree);

        var status = Detect(t, image);
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Select(e => e.Message)));
        Assert.Equal("ConfigDrive", status.Datasource);
        Assert.Equal("83679162-1378-4288-a2d4-70e13ec132aa", status.InstanceId);
        Assert.Equal("cd-host\n", t["/etc/hostname"]);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICd cd@example\n", t["/home/keel/.ssh/authorized_keys"]);
    }

    [Fact]
    public void Other_labels_and_files_without_a_filesystem_are_not_seeds_and_the_order_of_datasource_list_holds()
    {
        using var t = new TestRoot();
        var wrongLabel = Vfat(t, "data", Tree(t, NoCloudFiles("iid-x")));
        var noFilesystem = Path.Combine(t.Base, "zeros.img");
        File.WriteAllBytes(noFilesystem, new byte[64 * 1024]);
        Assert.Null(LabelledFilesystem.Probe(noFilesystem));
        Assert.Empty(LabelledFilesystem.Find(DatasourceSelector.NoCloudLabels, [wrongLabel, noFilesystem, "/nonexistent"]));

        var status = Detect(t, wrongLabel, noFilesystem);
        Assert.Equal("None", status.Datasource);

        // Both present: NoCloud comes before ConfigDrive in the default list.
        var cidata = Iso(t, "cidata", Tree(t, NoCloudFiles("iid-nocloud")));
        var drive = Iso(t, "config-2", Tree(t, (ConfigDrive.MetaDataPath, """{"uuid": "u-1"}""")));
        using var t2 = new TestRoot();
        Assert.Equal("iid-nocloud", Detect(t2, drive, cidata).InstanceId);
    }

    [Fact]
    public void A_truncated_seed_on_a_filesystem_is_a_datasource_error_naming_the_device()
    {
        using var t = new TestRoot();
        var image = Vfat(t, "cidata", Tree(t, ("meta-data", "instance-id: iid-t\n")));
        var status = Detect(t, image);
        Assert.Equal("error", status.Status);
        var error = Assert.Single(status.Errors);
        Assert.Equal("datasource", error.Source);
        Assert.Equal($"{image} (vfat, label cidata):user-data: required NoCloud seed file is missing", error.Message);
        Assert.False(t.Root.Exists("/var/lib/cloud/instance"));
    }

    [Fact]
    public async Task Run_takes_seed_devices_on_the_command_line()
    {
        using var t = new TestRoot();
        var image = Iso(t, "cidata", Tree(t, NoCloudFiles("iid-cli")));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AgentCli.RunAsync(["run", "--root", t.RootPath, "--seed-device", Path.Combine(t.Base, "missing.img"), "--seed-device", image], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("datasource: NoCloud from " + image + " (iso9660, label cidata)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("from-label\n", t["/etc/hostname"]);
    }
}
