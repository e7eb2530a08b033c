// The provisioning engine edits Linux roots (modes, owners, symlinks); it is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
