// The media code is Linux-only (xorriso, gpg, rpm), and so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
