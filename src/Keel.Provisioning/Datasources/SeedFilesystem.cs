namespace Keel.Provisioning.Datasources;

/// <summary>Reads a datasource from a labelled filesystem: its files are copied to a private temporary directory (never mounted) and read from there.</summary>
public static class SeedFilesystem
{
    /// <summary>Copies <paramref name="files"/> from <paramref name="filesystem"/> and reads them with <paramref name="read"/>; errors name the device, not the temporary copy.</summary>
    public static InstanceData Read(LabelledFilesystem filesystem, IReadOnlyList<string> files, Func<string, InstanceData> read)
    {
        var temp = Directory.CreateTempSubdirectory("keel-seed-").FullName;
        try
        {
            filesystem.CopyFiles(files, temp);
            return read(temp);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains(temp, StringComparison.Ordinal))
        {
            var message = ex.Message.Replace(temp + "/", filesystem.Describe() + ":", StringComparison.Ordinal).Replace(temp, filesystem.Describe(), StringComparison.Ordinal);
            throw new InvalidDataException(message, ex);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
