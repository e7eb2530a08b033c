using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's power_state_change: validates mode, delay, message, timeout and condition, records the shutdown command
/// in the instance directory, and starts it only when the root is "/" (a mounted target root is never shut down).
/// </summary>
public sealed partial class PowerStateModule() : CloudConfigModule("power_state_change", Frequency.PerInstance, Stage.Final)
{
    /// <summary>The record of what was asked and done, inside the instance directory.</summary>
    public const string RecordName = "power_state";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (ConfigValues.Map(context.Config, "power_state", Name) is not { } cfg)
        {
            return ModuleOutcome.NothingToDo;
        }

        var mode = ConfigValues.Text(cfg, "mode", "power_state");
        var flag = mode switch
        {
            "poweroff" => "-P",
            "halt" => "-H",
            "reboot" => "-r",
            _ => throw new InvalidDataException($"power_state: mode '{mode}' must be poweroff, halt or reboot"),
        };

        var delayText = ConfigValues.Text(cfg, "delay", "power_state") ?? "now";
        var delay = delayText == "now" ? "now"
            : Delay().Match(delayText) is { Success: true } m ? "+" + m.Groups[1].Value
            : throw new InvalidDataException($"power_state: delay '{delayText}' must be 'now', '+N' or N (minutes)");

        var message = ConfigValues.Text(cfg, "message", "power_state");
        var timeoutText = ConfigValues.Text(cfg, "timeout", "power_state") ?? "30";
        if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var timeout) || timeout < 0 || timeout > 86400)
        {
            throw new InvalidDataException($"power_state: timeout '{timeoutText}' must be a number of seconds");
        }

        string[] command = message is null ? ["shutdown", flag, delay] : ["shutdown", flag, delay, message];
        var condition = cfg["condition"];
        var quoted = string.Join(' ', command.Select(a => a.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '_') ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var conditionText = condition switch
        {
            null or CloudScalar { IsNull: true } => "true",
            CloudScalar s => s.Text,
            var other => Shellify.Render(new CloudList([other]), "power_state.condition").Split('\n')[1],
        };
        var record = $"{context.Paths.InstanceDir}/{RecordName}";
        string Record(string executed) => $"command: {quoted}\ncondition: {conditionText}\ntimeout: {timeoutText}\nexecuted: {executed}\n";

        // The shutdown may stop the agent before its semaphore is written; the record, written first, keeps the
        // next boot from powering off again (no reboot loop).
        if (context.Root.ReadAllTextOrNull(record) is { } earlier && earlier.Contains("\nexecuted: started\n", StringComparison.Ordinal))
        {
            context.Log.WriteLine("power_state: already started for this instance");
            return ModuleOutcome.Done;
        }

        string executed;
        if (!context.Root.IsHostRoot)
        {
            executed = "no: the target root is not /";
        }
        else if (!ConditionHolds(context, condition, TimeSpan.FromSeconds(timeout)))
        {
            executed = "no: condition not met";
        }
        else
        {
            // Started and left running: shutdown(8) schedules the power change and the agent finishes its run meanwhile.
            context.Root.WriteText(record, Record("started"), (UnixFileMode)0x1a4);
            ToolRunner.StartDetached("shutdown", command.Skip(1));
            executed = "started";
        }

        context.Root.WriteText(record, Record(executed), (UnixFileMode)0x1a4);
        context.Log.WriteLine($"power_state: {quoted} (executed: {executed})");
        return ModuleOutcome.Done;
    }

    private static bool ConditionHolds(ModuleContext context, CloudNode? condition, TimeSpan timeout)
    {
        switch (condition)
        {
            case null or CloudScalar { IsNull: true }:
                return true;
            case CloudScalar { Kind: ScalarKind.Boolean } b:
                return b.Text == "true";
            case CloudScalar or CloudList:
                // cloud-init runs a string through the shell and a list as argv; exit status 0 means "go ahead".
                var (program, arguments) = condition is CloudScalar s
                    ? ("/bin/sh", new[] { "-c", s.Text })
                    : (((CloudList)condition).Items[0].ToString()!, ((CloudList)condition).Items.Skip(1).Select(a => a.ToString()!).ToArray());
                try
                {
                    var options = new ToolOptions { NeutralLocale = false, Timeout = timeout, AllowFailure = true };
                    return ToolRunner.Run(options, program, arguments, context.Cancellation).ExitCode == 0;
                }
                catch (TimeoutException)
                {
                    context.Warnings.Add(new(Severity.Warning, "power_state.condition", $"still running after {timeout}; not powering off"));
                    return false;
                }

            default:
                throw ConfigValues.WrongType("power_state", "condition", condition, "a boolean, a string or a list");
        }
    }

    [GeneratedRegex(@"^\+?(\d{1,5})$")]
    private static partial Regex Delay();
}
