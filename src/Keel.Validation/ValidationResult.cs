namespace Keel.Validation;

/// <summary>The verdict of one validation line.</summary>
public enum ValidationStatus
{
    /// <summary>The check holds.</summary>
    Pass,

    /// <summary>Worth an admin's look but not a broken certification (a changed config file, SELinux permissive).</summary>
    Warn,

    /// <summary>The system is not the certified image: the command exits non-zero.</summary>
    Fail,

    /// <summary>The check does not apply here (no policy installed, firmware state of an image read on a host).</summary>
    Skip,
}

/// <summary>One line of a validation: which check, its verdict, what it is about and why.</summary>
/// <param name="Check">A stable id such as "files" or "packages.signature", for scripts and --json.</param>
/// <param name="Subject">What the line names: a package, a file, a setting; empty for a summary line.</param>
public sealed record ValidationResult(string Check, ValidationStatus Status, string Subject, string Detail)
{
    /// <summary>"PASS", "WARN", "FAIL" or "SKIP".</summary>
    public string StatusText => Status switch
    {
        ValidationStatus.Pass => "PASS",
        ValidationStatus.Warn => "WARN",
        ValidationStatus.Fail => "FAIL",
        _ => "SKIP",
    };

    /// <summary>The line as printed: "FAIL files: /usr/bin/bash (bash-5.2.37-2.azl4.x86_64): S.5...... digest changed".</summary>
    public override string ToString() =>
        Subject.Length == 0 ? $"{StatusText} {Check}: {Detail}" : $"{StatusText} {Check}: {Subject}: {Detail}";
}

/// <summary>Every line of one validation run, in check order.</summary>
public sealed record ValidationReport(string System, IReadOnlyList<ValidationResult> Results)
{
    /// <summary>True when any line is a FAIL.</summary>
    public bool Failed => Results.Any(r => r.Status == ValidationStatus.Fail);

    /// <summary>How many lines have the status.</summary>
    public int Count(ValidationStatus status) => Results.Count(r => r.Status == status);
}
