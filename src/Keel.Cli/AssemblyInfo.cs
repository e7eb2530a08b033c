// keel drives Linux tools (rpm, mkfs, qemu) against Linux roots; it is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
