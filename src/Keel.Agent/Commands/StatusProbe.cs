using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Agent.Commands;

/// <summary>The exit code `keel-agent status` gives for a root (0 done or degraded, 1 error or not run; strict: degraded is 1).</summary>
internal sealed class StatusProbe(string root, bool strict = false)
{
    public int ExitCode => (Provisioner.ReadStatus(new TargetRoot(root)) ?? new AgentStatus { Status = "not-run" }).ExitCodeFor(strict);
}
