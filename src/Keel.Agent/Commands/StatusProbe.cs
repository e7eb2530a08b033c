using Keel.Provisioning.Engine;
using Keel.Provisioning.Root;

namespace Keel.Agent.Commands;

/// <summary>The exit code `keel-agent status` gives for a root (0 done, 1 error or not run, 2 degraded).</summary>
internal sealed class StatusProbe(string root)
{
    public int ExitCode => (Provisioner.ReadStatus(new TargetRoot(root)) ?? new AgentStatus { Status = "not-run" }).ExitCode;
}
