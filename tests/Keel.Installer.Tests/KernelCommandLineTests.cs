namespace Keel.Installer.Tests;

public sealed class KernelCommandLineTests
{
    [Fact]
    public void Splits_on_blanks_and_at_the_first_equals_sign()
    {
        var line = KernelCommandLine.Parse("BOOT_IMAGE=/vmlinuz root=live:CDLABEL=KEEL ro  keel.autoinstall\tkeel.config=http://h/a.yaml?x=1\n");
        Assert.Equal(
            [new("BOOT_IMAGE", "/vmlinuz"), new("root", "live:CDLABEL=KEEL"), new("ro", null), new("keel.autoinstall", null), new KernelParameter("keel.config", "http://h/a.yaml?x=1")],
            line.Parameters);
    }

    [Fact]
    public void Quotes_hold_blanks_and_are_removed_as_the_kernel_removes_them()
    {
        var line = KernelCommandLine.Parse("keel.config=\"/run/media/my config.yaml\" \"keel.ui=text mode\" a=b\"c d\"e");
        Assert.Equal("/run/media/my config.yaml", line.Value("keel.config"));
        Assert.Equal("text mode", line.Value("keel.ui"));

        // A quote inside a value stays, as in the kernel's next_arg.
        Assert.Equal("b\"c d\"e", line.Value("a"));
    }

    [Fact]
    public void Nothing_after_a_double_dash_is_a_kernel_parameter()
    {
        var line = KernelCommandLine.Parse("quiet -- keel.autoinstall single");
        Assert.False(line.Has("keel.autoinstall"));
        Assert.True(line.Has("quiet"));
    }

    [Fact]
    public void The_last_value_wins_and_the_medium_customization_is_appended()
    {
        var line = KernelCommandLine.Parse("keel.repo=http://a keel.config=/x.yaml").Append(KernelCommandLine.Parse("keel.repo=http://b\n"));
        var args = InstallerArguments.From(line);
        Assert.Equal("http://b", args.Repository);
        Assert.Equal("/x.yaml", args.Config);
        Assert.False(args.AutoInstall);
        Assert.Null(args.Ui);
    }

    [Theory]
    [InlineData("keel.autoinstall", true)]
    [InlineData("keel.autoinstall=1", true)]
    [InlineData("keel.autoinstall=yes", true)]
    [InlineData("keel.autoinstall=0", false)]
    [InlineData("keel.autoinstall=no", false)]
    [InlineData("keel.autoinstall keel.autoinstall=0", false)]
    [InlineData("keelautoinstall", false)]
    [InlineData("", false)]
    public void Autoinstall_is_a_flag_that_a_false_value_turns_off(string text, bool expected) =>
        Assert.Equal(expected, InstallerArguments.From(KernelCommandLine.Parse(text)).AutoInstall);

    [Fact]
    public void Empty_values_count_as_absent_and_ui_is_recorded()
    {
        var args = InstallerArguments.From(KernelCommandLine.Parse("keel.config= keel.repo=\"\" keel.ui=text"));
        Assert.Null(args.Config);
        Assert.Null(args.Repository);
        Assert.Equal("text", args.Ui);
    }

    [Theory]
    [InlineData("keel.medium=KEEL_4_0", "KEEL_4_0")]
    [InlineData("keel.medium=LABEL=KEEL_4_0", "KEEL_4_0")]
    [InlineData("root=live:CDLABEL=Keel\\x20Medium rd.live.image", "Keel Medium")]
    [InlineData("root=live:LABEL=KEEL", "KEEL")]
    [InlineData("root=UUID=1234", null)]
    public void The_medium_label_comes_from_the_command_line(string text, string? label) =>
        Assert.Equal(label, MediumLocator.LabelFrom(KernelCommandLine.Parse(text)));
}
