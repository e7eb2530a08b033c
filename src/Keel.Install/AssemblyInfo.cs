// The install engine writes Linux roots (modes, owners, chroot) with Linux tools; it is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
