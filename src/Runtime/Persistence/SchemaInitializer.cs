namespace MachineGrid.Runtime.Persistence;

/// <summary>Runs a schema creation once, on first use. A failed attempt is forgotten so the next use tries again.</summary>
internal sealed class SchemaInitializer(Func<CancellationToken, Task> create)
{
    private readonly Lock gate = new();
    private Task? attempt;

    /// <summary>Whether the schema has been created (without starting its creation).</summary>
    public bool IsCreated
    {
        get
        {
            lock (gate)
            {
                return attempt?.IsCompletedSuccessfully == true;
            }
        }
    }

    /// <summary>Completes once the schema exists.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task current;
        lock (gate)
        {
            if (attempt is null || attempt.IsFaulted || attempt.IsCanceled)
            {
                attempt = Task.Run(() => create(CancellationToken.None), CancellationToken.None);
            }
            current = attempt;
        }
        return current.IsCompletedSuccessfully ? current : current.WaitAsync(cancellationToken);
    }
}
