namespace Keel.Provisioning.Tests;

/// <summary>power_state in a target root: validated and recorded, never executed (the root is not "/").</summary>
public sealed class PowerStateModuleTests
{
    [Fact]
    public void A_target_root_records_the_command_without_running_it()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nssh_genkeytypes: [ed25519]\npower_state:\n  mode: reboot\n  delay: 5\n  message: Rebooting after setup\n  condition: true\n");
        var status = t.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "power_state_change").Result);
        Assert.Equal(
            "command: shutdown -r +5 'Rebooting after setup'\ncondition: true\ntimeout: 30\nexecuted: no: the target root is not /\n",
            t["/var/lib/cloud/instances/iid-1/power_state"]);
        Assert.Equal("power_state_change", status.Modules[^1].Name);
    }

    [Fact]
    public void A_shutdown_already_started_for_the_instance_is_not_repeated()
    {
        // As after a boot where shutdown stopped the agent before its semaphore was written.
        using var t = new TestRoot();
        var started = "command: shutdown -r now\ncondition: true\ntimeout: 30\nexecuted: started\n";
        Directory.CreateDirectory(t.Host("/var/lib/cloud/instances/iid-1"));
        File.WriteAllText(t.Host("/var/lib/cloud/instances/iid-1/power_state"), started);
        t.Seed("#cloud-config\nssh_genkeytypes: [ed25519]\npower_state:\n  mode: reboot\n");
        var status = t.Run();
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "power_state_change").Result);
        Assert.Equal(started, t["/var/lib/cloud/instances/iid-1/power_state"]);
        Assert.True(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_power_state_change")));
    }

    [Theory]
    [InlineData("mode: sleep", "mode 'sleep'")]
    [InlineData("mode: poweroff\n  delay: soon", "delay 'soon'")]
    [InlineData("mode: halt\n  timeout: forever", "timeout 'forever'")]
    public void Bad_settings_fail_the_module_and_record_nothing(string settings, string expected)
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nssh_genkeytypes: [ed25519]\npower_state:\n  {settings}\n");
        var status = t.Run();
        var result = status.Modules.Single(m => m.Name == "power_state_change");
        Assert.Equal("failed", result.Result);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/power_state")));
    }
}
