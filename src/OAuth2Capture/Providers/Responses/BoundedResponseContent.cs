using System.Buffers;
using System.Net;

namespace OAuth2Capture.Providers.Responses;

/// <summary>
/// A provider's response body that can only be read within bounds: a declared or counted size over the limit, or a body
/// still arriving when its time is up, ends the read with <see cref="ProviderResponseLimitException"/>, so neither a 50 MB
/// answer nor one that drips forever can exhaust memory or hold a request. Whoever reads it (a string read, the client's
/// own buffering) is bounded the same way.
/// </summary>
internal sealed class BoundedResponseContent : HttpContent
{
    private const int ChunkSize = 16 * 1024;

    private readonly HttpContent inner;
    private readonly long maxSize;
    private readonly CancellationTokenSource deadline;

    /// <summary>Initializes a new instance; the time bound starts now (the headers have arrived).</summary>
    public BoundedResponseContent(HttpContent inner, ProviderResponseLimits limits, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(limits);
        this.inner = inner;
        maxSize = limits.MaxSize;
        deadline = new CancellationTokenSource(limits.BodyTimeout, time);
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (inner.Headers.ContentLength > maxSize)
        {
            throw new ProviderResponseLimitException(ProviderResponseLimit.Size);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var source = await inner.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize), linked.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxSize)
                {
                    throw new ProviderResponseLimitException(ProviderResponseLimit.Size);
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException or HttpRequestException)
            && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The deadline aborted the read (a cancelled socket read may surface as an I/O error): the body was too slow.
            throw new ProviderResponseLimitException(ProviderResponseLimit.Time);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            deadline.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
