// The installer and the engine it drives are Linux-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
