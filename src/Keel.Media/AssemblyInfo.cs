using System.Runtime.Versioning;

// Media are made with Linux tools (xorriso, mksquashfs, gpg, rpm) on the engine's Linux-only parts.
[assembly: SupportedOSPlatform("linux")]
