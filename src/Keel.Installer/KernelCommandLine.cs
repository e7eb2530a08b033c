namespace Keel.Installer;

/// <summary>One kernel parameter: its name and its value (null for a bare flag such as keel.autoinstall).</summary>
public sealed record KernelParameter(string Name, string? Value);

/// <summary>
/// A kernel command line split the way the kernel splits it (lib/cmdline.c next_arg): blanks separate parameters except
/// inside double quotes; a parameter is NAME or NAME=VALUE split at the first '='; a quote at the start of the parameter or
/// of the value is removed together with the quote that ends it, other quotes stay. "--" ends the kernel's parameters (the
/// rest is for init), so nothing after it is read.
/// </summary>
public sealed class KernelCommandLine
{
    private KernelCommandLine(IReadOnlyList<KernelParameter> parameters) => Parameters = parameters;

    /// <summary>Every parameter in order.</summary>
    public IReadOnlyList<KernelParameter> Parameters { get; }

    /// <summary>Splits <paramref name="text"/>.</summary>
    public static KernelCommandLine Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<KernelParameter>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && IsBlank(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            int start = i;
            bool quoted = false;
            while (i < text.Length && (quoted || !IsBlank(text[i])))
            {
                if (text[i] == '"')
                {
                    quoted = !quoted;
                }

                i++;
            }

            var word = text[start..i];
            if (word == "--")
            {
                break;
            }

            result.Add(Split(word));
        }

        return new KernelCommandLine(result);
    }

    /// <summary>This line followed by <paramref name="more"/> (the medium's customization): a later value wins, as for the kernel's own parameters.</summary>
    public KernelCommandLine Append(KernelCommandLine more)
    {
        ArgumentNullException.ThrowIfNull(more);
        return new KernelCommandLine([.. Parameters, .. more.Parameters]);
    }

    /// <summary>The last value of <paramref name="name"/> (null also for a bare flag); whether it is present at all is <see cref="Has"/>.</summary>
    public string? Value(string name) => Parameters.LastOrDefault(p => p.Name == name)?.Value;

    /// <summary>Whether <paramref name="name"/> is present, with or without a value.</summary>
    public bool Has(string name) => Parameters.Any(p => p.Name == name);

    private static KernelParameter Split(string word)
    {
        // A parameter quoted as a whole ("name=a b") loses its outer quotes first.
        if (word.StartsWith('"'))
        {
            word = word[1..];
            if (word.EndsWith('"'))
            {
                word = word[..^1];
            }
        }

        int equals = word.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return new KernelParameter(word, null);
        }

        var value = word[(equals + 1)..];
        if (value.StartsWith('"'))
        {
            value = value[1..];
            if (value.EndsWith('"'))
            {
                value = value[..^1];
            }
        }

        return new KernelParameter(word[..equals], value);
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';
}

/// <summary>What the installer reads from the kernel command line: keel.config=, keel.repo=, keel.autoinstall and keel.ui=.</summary>
public sealed record InstallerArguments(string? Config, string? Repository, bool AutoInstall, string? Ui)
{
    /// <summary>keel.config=URL|PATH: where the unattended config is.</summary>
    public const string ConfigParameter = "keel.config";

    /// <summary>keel.repo=URL: the online repository to prefer over the medium's configured one.</summary>
    public const string RepositoryParameter = "keel.repo";

    /// <summary>keel.autoinstall: install without asking, whatever the config's install.confirm says.</summary>
    public const string AutoInstallParameter = "keel.autoinstall";

    /// <summary>keel.ui=: the interactive front end when no config is found: text (the default), line (dumb serial consoles) or none.</summary>
    public const string UiParameter = "keel.ui";

    /// <summary>keel.ui=line: the line-by-line front end for consoles that cannot show a full screen.</summary>
    public const string LineUi = "line";

    /// <summary>keel.ui=none: no interactive installer; without a config, say how to give one and exit.</summary>
    public const string NoUi = "none";

    /// <summary>The installer's arguments from <paramref name="commandLine"/>; an empty keel.config= or keel.repo= counts as absent.</summary>
    public static InstallerArguments From(KernelCommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var autoinstall = commandLine.Parameters.LastOrDefault(p => p.Name == AutoInstallParameter);
        return new InstallerArguments(
            NullIfEmpty(commandLine.Value(ConfigParameter)),
            NullIfEmpty(commandLine.Value(RepositoryParameter)),
            autoinstall is not null && autoinstall.Value is null or "" or "1" or "yes" or "true" or "on",
            NullIfEmpty(commandLine.Value(UiParameter)));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
