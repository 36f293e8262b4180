namespace OAuth2Capture.Reauth;

/// <summary>
/// Hooks an app sets to react to OAuth2Capture: assign a delegate for a one-off, or derive and register the type with
/// <see cref="OAuth2CaptureBuilder.AddEvents{TEvents}"/> for constructor injection.
/// </summary>
public class OAuth2CaptureEvents
{
    /// <summary>
    /// Gets or sets what runs after a user (re)connected a provider and the tokens are stored, before the redirect back:
    /// retry a parked action (<see cref="ConnectionCapturedContext.PendingAction"/>), set a message, change where the user lands.
    /// </summary>
    public Func<ConnectionCapturedContext, Task> OnConnectionCaptured { get; set; } = _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnConnectionCaptured"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task.</returns>
    public virtual Task ConnectionCaptured(ConnectionCapturedContext context) => OnConnectionCaptured(context);
}
