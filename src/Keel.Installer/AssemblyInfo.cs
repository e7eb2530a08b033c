// The live installer runs on the medium's Linux live system and drives the Linux-only install engine.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
