namespace Keel.Rpm;

/// <summary>One file of a package as its header describes it.</summary>
/// <param name="Path">Full path as installed.</param>
/// <param name="Mode">st_mode (type and permission bits).</param>
/// <param name="Digest">Hex digest with <see cref="RpmFileDigestAlgorithm"/>; empty for non-regular files.</param>
/// <param name="Flags">RPMFILE_* bits (config 1, doc 2, ghost 64, license 128...).</param>
public sealed record RpmFileInfo(string Path, int Mode, long Size, string Digest, int Flags, string User, string Group, string LinkTo, long MTime)
{
    public const int FlagConfig = 1;
    public const int FlagDoc = 2;
    public const int FlagGhost = 64;

    public bool IsDirectory => (Mode & 0xf000) == 0x4000;

    public bool IsSymlink => (Mode & 0xf000) == 0xa000;

    public bool IsRegular => (Mode & 0xf000) == 0x8000;

    public bool IsGhost => (Flags & FlagGhost) != 0;
}

/// <summary>Which scriptlets and triggers a package carries.</summary>
public sealed record RpmScriptlets(bool PreTrans, bool Pre, bool Post, bool PreUn, bool PostUn, bool PostTrans, bool Verify, int Triggers, int FileTriggers)
{
    public bool Any => PreTrans || Pre || Post || PreUn || PostUn || PostTrans || Verify || Triggers > 0 || FileTriggers > 0;
}
