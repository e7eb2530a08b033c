[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The tests start rpm, rpmbuild and gpg against scratch roots; one at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
