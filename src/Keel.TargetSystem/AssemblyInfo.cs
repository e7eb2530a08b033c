// The target-system library edits Linux roots (modes, owners, symlinks, openat); it is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
