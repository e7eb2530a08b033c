// qemu, setsid and process groups: Linux hosts only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
