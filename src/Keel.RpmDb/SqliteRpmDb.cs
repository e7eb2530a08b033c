using Keel.Rpm;
using Microsoft.Data.Sqlite;

namespace Keel.RpmDb;

/// <summary>Reads the Packages table of an rpmdb.sqlite.</summary>
internal static class SqliteRpmDb
{
    public static List<InstalledPackage> Read(string file)
    {
        // immutable=1 makes SQLite take no locks and create no -wal/-shm/-journal files. It would ignore a live
        // write-ahead log, so a database with a non-empty -wal is first copied, with its log, to a temp directory.
        var wal = file + "-wal";
        if (File.Exists(wal) && new FileInfo(wal).Length > 0)
        {
            var temp = Directory.CreateTempSubdirectory("keel-rpmdb");
            try
            {
                var copy = Path.Combine(temp.FullName, "rpmdb.sqlite");
                File.Copy(file, copy);
                File.Copy(wal, copy + "-wal");
                return ReadConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False", file);
            }
            finally
            {
                temp.Delete(recursive: true);
            }
        }

        var uri = new Uri(Path.GetFullPath(file)).AbsoluteUri + "?immutable=1";
        return ReadConnection($"Data Source={uri};Mode=ReadOnly;Pooling=False", file);
    }

    private static List<InstalledPackage> ReadConnection(string connectionString, string file)
    {
        var result = new List<InstalledPackage>();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT hnum, blob FROM Packages ORDER BY hnum";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                long hnum = reader.GetInt64(0);
                var blob = (byte[])reader.GetValue(1);
                var header = RpmHeader.ParseBlob(blob, $"{file} (package {hnum})");
                result.Add(RpmDatabase.ToInstalled(header, hnum));
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{file}: cannot read the rpmdb: {e.Message.ReplaceLineEndings(" ")}", e);
        }

        return result;
    }
}
