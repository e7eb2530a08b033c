[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The tests build a fixture image and mount it: one at a time, on two shared cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
