namespace OAuth2Capture.Storage;

/// <summary>A store that can tell at start-up whether its schema is there, by reading one row's key.</summary>
internal interface IStoreSchemaProbe
{
    /// <summary>Reads at most one row; throws what the database says when the table or a column is missing.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);
}
