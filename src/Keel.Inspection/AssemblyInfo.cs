// Opening images drives Linux tools (losetup, mount, qemu-img, mtools) on Linux loop devices.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
