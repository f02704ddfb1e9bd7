using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace MachineGrid.Gateway;

/// <summary>
/// A response body that keeps what is written, in a pooled buffer rented on the first write, instead of sending it;
/// flushes send nothing. Used while an endpoint runs, so that its whole body is known before the headers go out.
/// </summary>
internal sealed class CapturedResponseBody : PipeWriter, IHttpResponseBodyFeature, IDisposable
{
    private byte[] buffer = [];
    private int written;
    private int unflushed;
    private Stream? stream;

    /// <summary>What was written so far.</summary>
    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, written);

    /// <inheritdoc />
    public Stream Stream => stream ??= AsStream(leaveOpen: true);

    /// <inheritdoc />
    public PipeWriter Writer => this;

    /// <inheritdoc />
    public void DisableBuffering()
    {
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task CompleteAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A captured response body does not send files.");

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc />
    public override long UnflushedBytes => unflushed;

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        written += bytes;
        unflushed += bytes;
    }

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsMemory(written);
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return buffer.AsSpan(written);
    }

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        unflushed = 0;
        return new(new FlushResult(false, false));
    }

    /// <inheritdoc />
    public override void CancelPendingFlush()
    {
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        buffer = [];
        written = 0;
        unflushed = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = written + Math.Max(sizeHint, 1);
        if (needed <= buffer.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(buffer.Length * 2, 1024)));
        buffer.AsSpan(0, written).CopyTo(larger);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        buffer = larger;
    }
}
