using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MachineGrid.Gateway.Tests;

/// <summary>Keeps every formatted log line (with its exception) so tests can search them.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    /// <summary>All lines so far.</summary>
    public IReadOnlyCollection<string> Lines => lines;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
