namespace Keel.Installer.Service.Session;

/// <summary>Writes a file into a directory by temp file and rename, so an existing symlink at the name is replaced, never followed.</summary>
public static class SavedFile
{
    /// <summary>Writes <paramref name="content"/> as <paramref name="directory"/>/<paramref name="name"/> (0600); returns the path.</summary>
    public static string Write(string directory, string name, string content)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw InstallerServiceException.BadInput($"directory {full}: does not exist");
        }

        var path = Path.Combine(full, name);
        var temp = Path.Combine(full, $".{name}.{Guid.NewGuid():n}.tmp");
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
        return path;
    }
}
