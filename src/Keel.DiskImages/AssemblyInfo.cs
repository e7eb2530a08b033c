// The storage layer drives Linux tools (mkfs.*, sgdisk, mtools) on Linux files and block devices only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
