namespace MachineGrid.Persistence;

/// <summary>Creates or upgrades the schema early in silo start; a database that cannot be reached stops the silo with a clear message.</summary>
internal sealed class SchemaCheck(MachineGridStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaCheck), ServiceLifecycleStage.RuntimeInitialize, OnStartAsync);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Database.EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StorageConfigurationException(
                $"MachineGrid storage cannot open its {store.Database.Kind} database ({store.Options.Describe()}): {ex.GetType().Name}: {ex.Message}");
        }
    }
}
