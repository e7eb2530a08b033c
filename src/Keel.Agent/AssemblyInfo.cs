// keel-agent provisions Linux machines only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
