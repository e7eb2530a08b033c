// Reads roots through Keel.TargetSystem, which is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
