namespace Keel.RpmDb;

/// <summary>The on-disk formats an rpmdb can have.</summary>
public enum RpmDbFormat
{
    Sqlite,

    /// <summary>rpm's native "ndb" format (Packages.db), used by SUSE.</summary>
    Ndb,

    /// <summary>Berkeley DB (Packages), rpm before 4.16; not read by Keel.</summary>
    BerkeleyDb,
}
