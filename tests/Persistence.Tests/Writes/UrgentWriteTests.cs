using System.Text;

namespace MachineGrid.Persistence.Tests.Writes;

[Collection(StoragePostgresCollection.Name)]
public sealed class UrgentWriteTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Urgent_and_ordinary_writes_to_the_same_rows_leave_each_row_with_the_last_value_written(Database database)
    {
        await using var storage = await StorageUnderTest.OpenAsync(database, postgres, options => options.MaxWritesBesideUrgent = 2);
        var writes = new List<Task>();
        for (var i = 0; i < 600; i++)
        {
            var change = RowChange.Put("urgent", $"r/{i % 7}", Encoding.UTF8.GetBytes(i.ToString()));
            if (i % 3 == 0)
            {
                using (WritePriority.Urgent())
                {
                    writes.Add(storage.ReadModel.WriteAsync([change]));
                }
            }
            else
            {
                writes.Add(storage.ReadModel.WriteAsync([change]));
            }
        }
        await Task.WhenAll(writes);

        await storage.ReopenAsync();
        var rows = await storage.ReadModel.ScanAsync("urgent", "r/", null, 10);
        var expected = Enumerable.Range(593, 7).OrderBy(i => i % 7).Select(i => ($"r/{i % 7}", i.ToString()));
        Assert.Equal(expected, rows.Select(row => (row.Key, Encoding.UTF8.GetString(row.Value))));
    }

    [Fact]
    public void A_scope_marks_the_writes_made_inside_it_and_restores_the_priority_around_it()
    {
        Assert.False(WritePriority.IsUrgent);
        using (WritePriority.Urgent())
        {
            Assert.True(WritePriority.IsUrgent);
            using (WritePriority.Urgent())
            {
                Assert.True(WritePriority.IsUrgent);
            }
            Assert.True(WritePriority.IsUrgent);
        }
        Assert.False(WritePriority.IsUrgent);
    }

    [Fact]
    public void Options_refuse_no_room_for_ordinary_writes_beside_urgent_ones()
    {
        var options = new StorageOptions { MaxWritesBesideUrgent = 0 }.UseSqlite("/tmp/never.db");
        var refused = Assert.Throws<StorageConfigurationException>(options.Validate);
        Assert.Contains("MaxWritesBesideUrgent", refused.Message);
    }
}
