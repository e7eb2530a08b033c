namespace Keel.Rpm;

/// <summary>Tag numbers of the main header Keel reads (rpm's RPMTAG_* values).</summary>
public static class RpmTags
{
    public const int HeaderImmutable = 63;
    public const int Name = 1000;
    public const int Version = 1001;
    public const int Release = 1002;
    public const int Epoch = 1003;
    public const int Summary = 1004;
    public const int Description = 1005;
    public const int BuildTime = 1006;
    public const int BuildHost = 1007;
    public const int InstallTime = 1008;
    public const int Size = 1009;
    public const int Vendor = 1011;
    public const int License = 1014;
    public const int Packager = 1015;
    public const int Group = 1016;
    public const int Url = 1020;
    public const int Os = 1021;
    public const int Arch = 1022;
    public const int PreIn = 1023;
    public const int PostIn = 1024;
    public const int PreUn = 1025;
    public const int PostUn = 1026;
    public const int OldFileNames = 1027;
    public const int FileSizes = 1028;
    public const int FileModes = 1030;
    public const int FileRdevs = 1033;
    public const int FileMtimes = 1034;
    public const int FileDigests = 1035;
    public const int FileLinkTos = 1036;
    public const int FileFlags = 1037;
    public const int FileUserName = 1039;
    public const int FileGroupName = 1040;
    public const int SourceRpm = 1044;
    public const int ArchiveSize = 1046;
    public const int ProvideName = 1047;
    public const int RequireFlags = 1048;
    public const int RequireName = 1049;
    public const int RequireVersion = 1050;
    public const int ConflictFlags = 1053;
    public const int ConflictName = 1054;
    public const int ConflictVersion = 1055;
    public const int RpmVersion = 1064;
    public const int TriggerScripts = 1065;
    public const int TriggerName = 1066;
    public const int VerifyScript = 1079;
    public const int ObsoleteName = 1090;
    public const int FileInodes = 1096;
    public const int ProvideFlags = 1112;
    public const int ProvideVersion = 1113;
    public const int ObsoleteFlags = 1114;
    public const int ObsoleteVersion = 1115;
    public const int DirIndexes = 1116;
    public const int BaseNames = 1117;
    public const int DirNames = 1118;
    public const int PayloadFormat = 1124;
    public const int PayloadCompressor = 1125;
    public const int PayloadFlags = 1126;
    public const int PreTrans = 1151;
    public const int PostTrans = 1152;

    /// <summary>Old-style weak dependencies: suggests and recommends share this tag, told apart by RPMSENSE_STRONG.</summary>
    public const int OldSuggestsName = 1156;
    public const int OldSuggestsVersion = 1157;
    public const int OldSuggestsFlags = 1158;

    /// <summary>Old-style reverse weak dependencies: enhances and supplements, told apart by RPMSENSE_STRONG.</summary>
    public const int OldEnhancesName = 1159;
    public const int OldEnhancesVersion = 1160;
    public const int OldEnhancesFlags = 1161;
    public const int LongFileSizes = 5008;
    public const int LongSize = 5009;
    public const int FileDigestAlgo = 5011;
    public const int RecommendName = 5046;
    public const int RecommendVersion = 5047;
    public const int RecommendFlags = 5048;
    public const int SuggestName = 5049;
    public const int SuggestVersion = 5050;
    public const int SuggestFlags = 5051;
    public const int SupplementName = 5052;
    public const int SupplementVersion = 5053;
    public const int SupplementFlags = 5054;
    public const int EnhanceName = 5055;
    public const int EnhanceVersion = 5056;
    public const int EnhanceFlags = 5057;
    public const int FileTriggerScripts = 5066;
    public const int FileTriggerName = 5069;
    public const int TransFileTriggerScripts = 5076;
    public const int TransFileTriggerName = 5079;
    public const int PayloadDigest = 5092;
    public const int PayloadDigestAlgo = 5093;
    public const int PayloadDigestAlt = 5097;
}

/// <summary>Tag numbers of the signature header (rpm's RPMSIGTAG_* values).</summary>
public static class RpmSignatureTags
{
    public const int HeaderSignatures = 62;
    public const int DsaHeader = 267;
    public const int RsaHeader = 268;
    public const int Sha1Header = 269;
    public const int LongSize = 270;
    public const int LongArchiveSize = 271;
    public const int Sha256Header = 273;
    public const int FileSignatures = 274;

    /// <summary>rpm 6: an array of base64 OpenPGP signatures over the main header.</summary>
    public const int OpenPgp = 278;
    public const int Size = 1000;
    public const int Pgp = 1002;
    public const int Md5 = 1004;
    public const int Gpg = 1005;
    public const int PayloadSize = 1007;
    public const int ReservedSpace = 1008;
}
