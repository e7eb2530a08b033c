// The service drives the Linux-only install engine and probes Linux devices.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
