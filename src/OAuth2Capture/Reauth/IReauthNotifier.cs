namespace OAuth2Capture.Reauth;

/// <summary>
/// Learns about connections changing health, to tell users (an e-mail, an in-app notice) before they hit a dead token.
/// Register with <c>AddReauthNotifier&lt;T&gt;()</c> on the builder (scoped; several may be registered). Each transition is
/// reported once: by the writer whose conditional update changed the row, whichever instance that is.
/// </summary>
/// <remarks>
/// Notifiers run inline, after the row is stored and inside the refresh that caused them: keep them quick (enqueue the
/// e-mail rather than send it). An exception is logged and never fails the refresh.
/// </remarks>
public interface IReauthNotifier
{
    /// <summary>Reacts to one transition.</summary>
    /// <param name="context">What happened to which connection.</param>
    /// <param name="cancellationToken">Cancelled at shutdown.</param>
    /// <returns>A task that completes when handled.</returns>
    Task NotifyAsync(ReauthNotificationContext context, CancellationToken cancellationToken);
}
