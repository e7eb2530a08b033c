// The installer and the engine it drives are Linux-only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Terminal.Gui's glyph settings and the console are process-wide: one UI at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
