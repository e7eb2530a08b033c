namespace Keel.Config.Model;

/// <summary>`install:`: how an install from the medium behaves when it runs unattended, and what happens after it.</summary>
public sealed class InstallConfig
{
    /// <summary>true: the installer shows the plan and asks once before writing; false: it installs without a question.</summary>
    public bool Confirm { get; set; } = true;

    /// <summary>What the machine does once the install has finished.</summary>
    public InstallAfter After { get; set; } = InstallAfter.Reboot;
}
