namespace Keel.Provisioning.Datasources;

/// <summary>Tells the platform that provisioning finished (Azure's ready report); called once per instance.</summary>
public interface IReadyReporter
{
    /// <summary>
    /// Reports Ready (<paramref name="failureDescription"/> null) or NotReady with that description; returns how it was
    /// sent. Throws TimeoutException, HttpRequestException or InvalidDataException naming the endpoint when it could not be.
    /// </summary>
    string Report(string? failureDescription, CancellationToken cancellationToken);
}
