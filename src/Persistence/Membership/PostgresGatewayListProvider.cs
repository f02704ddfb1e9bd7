using Orleans.Messaging;

namespace MachineGrid.Persistence.Membership;

// Placeholder while the gateway list is written; replaced in full.
internal sealed class PostgresGatewayListProvider(StorageOptions options) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => TimeSpan.FromSeconds(options.MaxPoolSize);
    public bool IsUpdatable => true;
    public Task InitializeGatewayListProvider() => throw new InvalidOperationException();
    public Task<IList<Uri>> GetGateways() => throw new InvalidOperationException();
}
