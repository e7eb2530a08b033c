[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Two collections at a time: a TCG guest keeps one core busy while the test that started it waits, so two machines fill the
// two cores that one left half idle. xunit's conservative algorithm starts no third test while two run, async or not.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
[assembly: TestCollectionOrderer("Keel.EndToEnd.Tests.LongestFirstCollectionOrderer", "Keel.EndToEnd.Tests")]
