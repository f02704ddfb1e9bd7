namespace MachineGrid.Persistence.Membership;

// Placeholder while the membership table is written; replaced in full.
internal sealed class PostgresMembershipTable(MachineGridStore store) : IMembershipTable
{
    public Task InitializeMembershipTable(bool tryInitTableVersion) => throw new InvalidOperationException(store.Database.Kind);
    public Task DeleteMembershipTableEntries(string clusterId) => throw new InvalidOperationException();
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => throw new InvalidOperationException();
    public Task<MembershipTableData> ReadRow(SiloAddress key) => throw new InvalidOperationException();
    public Task<MembershipTableData> ReadAll() => throw new InvalidOperationException();
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => throw new InvalidOperationException();
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => throw new InvalidOperationException();
    public Task UpdateIAmAlive(MembershipEntry entry) => throw new InvalidOperationException();
}
