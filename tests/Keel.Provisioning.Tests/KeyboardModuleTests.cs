namespace Keel.Provisioning.Tests;

/// <summary>
/// keyboard in a target root: the files systemd-localed (v253+) writes for localectl set-x11-keymap, with the console
/// keymap converted through systemd's real kbd-model-map (copied from the host's systemd package) or a converted xkb keymap
/// in the root. Not side by side: cloud-init 22.4.2 only calls localectl, which needs a running systemd-localed that its
/// chroot does not have (cloud-init there raises NotImplementedError).
/// </summary>
public sealed class KeyboardModuleTests
{
    private const string XorgHeader = """
        # Written by systemd-localed(8), read by systemd-localed and Xorg. It's
        # probably wise not to edit this file manually. Use localectl(1) to
        # instruct systemd-localed to update it.
        Section "InputClass"
                Identifier "system-keyboard"
                MatchIsKeyboard "on"

        """;

    [Fact]
    public void Layout_model_variant_and_options_go_to_the_xorg_file_and_vconsole_conf()
    {
        using var t = new TestRoot();
        CopyKbdModelMap(t);
        File.WriteAllText(t.Host("/etc/vconsole.conf"), "# set by the image\nFONT=eurlatgr\nKEYMAP=us\nKEYMAP_TOGGLE=\"ru\"\n");
        t.Seed("#cloud-config\nkeyboard:\n  layout: de\n  model: pc105\n  variant: nodeadkeys\n  options: compose:rwin\n");
        var status = t.Run();
        Assert.True(status.Status == "done", string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message)));
        var module = status.Modules.Single(m => m.Name == "keyboard");
        Assert.Equal(("ran", "config", "once-per-instance"), (module.Result, module.Stage, module.Frequency));

        Assert.Equal(XorgHeader + "        Option \"XkbLayout\" \"de\"\n        Option \"XkbModel\" \"pc105\"\n        Option \"XkbVariant\" \"nodeadkeys\"\n        Option \"XkbOptions\" \"compose:rwin\"\nEndSection\n",
            t["/etc/X11/xorg.conf.d/00-keyboard.conf"]);
        Assert.Equal("0:0 644", t.Stat("/etc/X11/xorg.conf.d/00-keyboard.conf"));

        // kbd-model-map: de-latin1-nodeadkeys is the best match for de/pc105/nodeadkeys; the toggle goes, FONT stays.
        Assert.Equal("FONT=eurlatgr\nKEYMAP=de-latin1-nodeadkeys\nXKBLAYOUT=de\nXKBMODEL=pc105\nXKBVARIANT=nodeadkeys\nXKBOPTIONS=compose:rwin\n", t["/etc/vconsole.conf"]);
        Assert.Equal("0:0 644", t.Stat("/etc/vconsole.conf"));
        Assert.Equal("already-ran", t.Run(bootId: "boot-2").Modules.Single(m => m.Name == "keyboard").Result);
    }

    [Fact]
    public void Defaults_are_cloud_init_s_and_a_converted_keymap_wins()
    {
        using var t = new TestRoot();
        CopyKbdModelMap(t);
        t.Seed("#cloud-config\nkeyboard: {layout: fr}\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "keyboard").Result);
        Assert.Equal(XorgHeader + "        Option \"XkbLayout\" \"fr\"\n        Option \"XkbModel\" \"pc105\"\nEndSection\n", t["/etc/X11/xorg.conf.d/00-keyboard.conf"]);
        Assert.Equal("KEYMAP=fr\nXKBLAYOUT=fr\nXKBMODEL=pc105\n", t["/etc/vconsole.conf"]);

        using var converted = new TestRoot();
        CopyKbdModelMap(converted);
        Directory.CreateDirectory(converted.Host("/usr/lib/kbd/keymaps/xkb"));
        File.WriteAllText(converted.Host("/usr/lib/kbd/keymaps/xkb/de-nodeadkeys.map.gz"), "");
        converted.Seed("#cloud-config\nkeyboard: {layout: de, variant: nodeadkeys, options: \"grp:alt_shift_toggle,compose:rwin\"}\n");
        Assert.Equal("ran", converted.Run().Modules.Single(m => m.Name == "keyboard").Result);
        Assert.Equal("KEYMAP=de-nodeadkeys\nXKBLAYOUT=de\nXKBMODEL=pc105\nXKBVARIANT=nodeadkeys\nXKBOPTIONS=grp:alt_shift_toggle,compose:rwin\n", converted["/etc/vconsole.conf"]);
    }

    [Fact]
    public void A_second_layout_falls_back_to_the_first_and_values_needing_quotes_are_quoted()
    {
        using var t = new TestRoot();
        CopyKbdModelMap(t);
        Directory.CreateDirectory(t.Host("/usr/share/kbd/keymaps/xkb"));
        File.WriteAllText(t.Host("/usr/share/kbd/keymaps/xkb/cz.map"), "");
        t.Seed("#cloud-config\nkeyboard: {layout: \"cz,de\", model: pc104, options: \"grp:a b\"}\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "keyboard").Result);
        Assert.Equal("KEYMAP=cz\nXKBLAYOUT=cz,de\nXKBMODEL=pc104\nXKBOPTIONS=\"grp:a b\"\n", t["/etc/vconsole.conf"]);
    }

    [Fact]
    public void Cloud_init_s_documentation_example_applies()
    {
        // cloud-init's cc_keyboard example (gb, variant gb-extd): no converted keymap, so kbd-model-map's "uk" (gb/pc105).
        using var t = new TestRoot();
        CopyKbdModelMap(t);
        t.Seed(File.ReadAllText(Keel.Tests.TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_keyboard", "example3.yaml")));
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "keyboard").Result);
        Assert.Equal("KEYMAP=uk\nXKBLAYOUT=gb\nXKBMODEL=pc105\nXKBVARIANT=gb-extd\n", t["/etc/vconsole.conf"]);
        Assert.Contains("        Option \"XkbVariant\" \"gb-extd\"\n", t["/etc/X11/xorg.conf.d/00-keyboard.conf"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keyboard: {model: pc105}", "keyboard.layout is required")]
    [InlineData("keyboard: {layout: \"de\\\"\"}", "keyboard.layout: quotes, backslashes and control characters are not allowed (systemd-localed refuses them)")]
    public void Bad_values_fail_the_module_naming_the_key(string config, string error)
    {
        using var t = new TestRoot();
        CopyKbdModelMap(t);
        t.Seed("#cloud-config\n" + config + "\n");
        var module = t.Run().Modules.Single(m => m.Name == "keyboard");
        Assert.Equal("failed", module.Result);
        Assert.Equal(error, module.Error);
        Assert.False(File.Exists(t.Host("/etc/X11/xorg.conf.d/00-keyboard.conf")));
    }

    private static void CopyKbdModelMap(TestRoot t)
    {
        // The table systemd ships (Debian's systemd package on the test host; Fedora and Azure Linux ship the same file).
        Directory.CreateDirectory(t.Host("/usr/share/systemd"));
        File.Copy("/usr/share/systemd/kbd-model-map", t.Host("/usr/share/systemd/kbd-model-map"));
    }
}
