[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test builds images and boots them under TCG; run one at a time so they do not starve each other of the two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
