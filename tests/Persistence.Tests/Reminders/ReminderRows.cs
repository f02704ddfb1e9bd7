using Orleans;
using Orleans.Runtime;

namespace MachineGrid.Persistence.Tests.Reminders;

/// <summary>Grains and reminder entries for the table cases, and the hash ring as Orleans defines it.</summary>
internal static class ReminderRows
{
    private static readonly GrainType Type = GrainType.Create("reminder-table-test");

    /// <summary>A new grain whose key holds a slash, a hash sign, a question mark and non-ASCII letters, which must survive the round trip.</summary>
    public static GrainId NewGrain() => GrainId.Create(Type, IdSpan.Create($"{Guid.NewGuid():N}/k\\#ey?ünï"));

    public static ReminderEntry Entry(GrainId grain, string name, DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? new DateTime(2030, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc),
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    public static bool InRing(uint begin, uint end, uint hash) => RangeFactory.CreateRange(begin, end).InRange(hash);

    public static string[] Keys(IEnumerable<ReminderEntry> entries) =>
        [.. entries.Select(entry => $"{entry.GrainId}|{entry.ReminderName}").Order(StringComparer.Ordinal)];
}
