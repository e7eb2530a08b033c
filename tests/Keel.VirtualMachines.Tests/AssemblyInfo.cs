// Boots under TCG are CPU-bound; running them side by side on a small CI machine only makes each slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
