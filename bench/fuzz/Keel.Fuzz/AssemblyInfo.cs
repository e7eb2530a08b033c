// Keel.Provisioning is Linux-only, and so is afl-fuzz.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
