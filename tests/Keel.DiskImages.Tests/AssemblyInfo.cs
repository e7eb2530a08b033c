// Each test writes hundreds of MiB of sparse images and runs mkfs tools; on two shared cores one at a time is faster overall.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
