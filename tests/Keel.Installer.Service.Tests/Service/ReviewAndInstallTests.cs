using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>The review's plan and destructive operations, the dry-run install's events, the saved config, and what is refused when.</summary>
public sealed class ReviewAndInstallTests
{
    [Fact]
    public async Task Review_lists_every_destructive_operation_with_the_disk_s_by_id_model_and_what_it_erases()
    {
        await using var service = await ServiceUnderTest.StartAsync("nvme-existing-os");
        var blocked = await service.Client.ReviewAsync(default);
        Assert.False(blocked.Ready);
        Assert.Contains(blocked.Blockers, b => b.Field == "storage.disk");
        Assert.Contains(blocked.Blockers, b => b.Field == "users[0].name");

        await service.MakeReadyAsync("/dev/nvme0n1");
        var review = await service.Client.ReviewAsync(default);
        Assert.True(review.Ready, string.Join("; ", review.Blockers));
        Assert.NotNull(review.Fingerprint);
        Assert.Contains("storage.partition", review.PlanText, StringComparison.Ordinal);
        Assert.NotEmpty(review.Operations);
        Assert.All(review.Operations, op =>
        {
            Assert.Equal("/dev/nvme0n1", op.Device);
            Assert.Equal("/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T654321", op.ById);
            Assert.Equal("SAMSUNG MZVL2512HCJQ-00B00", op.Model);
            Assert.Equal(512110190592, op.SizeBytes);
            Assert.Contains("Fedora Linux 41", op.Erases, StringComparison.Ordinal);
            Assert.Contains("label 'fedora'", op.Erases, StringComparison.Ordinal);
        });
        Assert.Equal(review.Fingerprint, (await service.Client.ReviewAsync(default)).Fingerprint);
    }

    [Fact]
    public async Task A_dry_run_install_emits_the_plan_s_steps_in_order_and_finishes_having_written_nothing()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        await service.MakeReadyAsync();
        var review = await service.Client.ReviewAsync(default);
        var stale = await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.StartInstallAsync(new InstallRequest("0000"), default));
        Assert.Equal(409, stale.StatusCode);
        Assert.Contains("the plan changed since the review", stale.Message, StringComparison.Ordinal);

        var started = await service.Client.StartInstallAsync(new InstallRequest(review.Fingerprint!), default);
        Assert.Contains(started.Steps, s => s.Id == "storage.partition");
        var events = new List<InstallEvent>();
        long after = 0;
        EventPage page;
        do
        {
            page = await service.Client.GetEventsAsync(after, TimeSpan.FromSeconds(5), default);
            events.AddRange(page.Events);
            after = page.Next;
        }
        while (page.Phase == SessionPhase.Installing || page.Events.Count > 0 && page.Events[^1].Kind is not (InstallEventKind.Finished or InstallEventKind.Failed));

        Assert.Equal(SessionPhase.Finished, page.Phase);
        Assert.Equal(started.Steps.Select(s => s.Id), events.Where(e => e.Kind == InstallEventKind.StepStarted).Select(e => e.Step));
        Assert.All(events.Where(e => e.Kind == InstallEventKind.StepFinished), e => Assert.Equal("dry run: not done", e.Message));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal("dry run: nothing was written to /dev/vda", events[^1].Message);
        Assert.Equal(InstallEventKind.Finished, events[^1].Kind);

        var finish = await service.Client.GetFinishAsync(default);
        Assert.True(finish.Succeeded);
        Assert.Equal("dry run: nothing was written to /dev/vda", finish.Message);

        var again = await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.UpdateNetworkAsync(new NetworkSettings("other"), default));
        Assert.Equal(409, again.StatusCode);
        var power = await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.PowerAsync(PowerAction.Reboot, default));
        Assert.Equal(409, power.StatusCode);
        Assert.Empty(service.Power.Actions);
    }

    [Fact]
    public async Task Installing_before_the_session_is_ready_is_refused_and_finish_is_not_there_yet()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        var ex = await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.StartInstallAsync(new InstallRequest("x"), default));
        Assert.Equal(409, ex.StatusCode);
        Assert.StartsWith("not ready to install: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(409, (await Assert.ThrowsAsync<InstallerApiException>(() => service.Client.GetFinishAsync(default))).StatusCode);
        var empty = await service.Client.GetEventsAsync(0, TimeSpan.Zero, default);
        Assert.Empty(empty.Events);
        Assert.Equal(SessionPhase.Editing, empty.Phase);
    }

    [Fact]
    public async Task The_config_yaml_validates_keeps_the_hash_and_holds_no_clear_password_or_passphrase()
    {
        await using var service = await ServiceUnderTest.StartAsync();
        await service.MakeReadyAsync();
        var yaml = await service.Client.GetConfigYamlAsync(default);
        Assert.Contains("# Kept: users[admin].passwordHash", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceUnderTest.Password, yaml, StringComparison.Ordinal);
        var parsed = ConfigLoader.Parse(yaml, "saved.yaml", service.Directory);
        Assert.NotNull(parsed.Config);
        var errors = ConfigValidator.Validate(parsed.Config, PresetCatalog.CreateDefault()).Where(d => d.Severity == Severity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => e.Format("saved.yaml"))));
        Assert.Equal("node-1", parsed.Config.Config.Hostname);
        Assert.Equal("Europe/Berlin", parsed.Config.Config.Timezone);
        Assert.True(parsed.Config.Config.Users.Single(u => u.Name == "admin").Sudo);
        Assert.DoesNotContain(parsed.Config.Config.Users, u => u.Name == "root");

        await service.Client.UpdateStorageAsync(new StorageSettings("/dev/vda", LayoutMode.Guided, true, "luks passphrase 1", "luks passphrase 1"), default);
        var encrypted = await service.Client.GetConfigYamlAsync(default);
        Assert.DoesNotContain("luks passphrase 1", encrypted, StringComparison.Ordinal);
        Assert.Contains("storage.encryption.passphrase", encrypted.Split('\n')[1], StringComparison.Ordinal);

        var saved = await service.Client.SaveConfigAsync(new SaveRequest(null, service.Directory), default);
        Assert.Equal(Path.Combine(service.Directory, "keel-install.yaml"), saved.Path);
        var text = await File.ReadAllTextAsync(saved.Path);
        Assert.DoesNotContain("luks passphrase 1", text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved.Path));
    }
}
