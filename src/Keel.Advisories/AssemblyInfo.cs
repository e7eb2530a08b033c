// Reads roots through Keel.Sbom's inventory (Keel.TargetSystem), which is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
