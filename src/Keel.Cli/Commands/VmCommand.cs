using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel vm`: boot disk images under qemu.</summary>
internal static class VmCommand
{
    public static Command Create()
    {
        var vm = new Command("vm", "Boot disk images in a virtual machine (qemu, UEFI, software emulation).");
        vm.Subcommands.Add(VmRunCommand.Create());
        return vm;
    }
}
