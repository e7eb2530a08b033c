// Keel runs Linux host tools (rpm, mkfs.*, ssh-keygen) and checks Unix execute bits; it is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
