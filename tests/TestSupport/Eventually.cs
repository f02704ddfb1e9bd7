namespace MachineGrid.TestSupport;

/// <summary>Waits for something the runtime does asynchronously. The limit only stops a broken test from hanging.</summary>
public static class Eventually
{
    /// <summary>Polls until the condition holds; fails the test after 15 s.</summary>
    public static async Task True(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }
            await Task.Delay(5);
        }
    }

    /// <summary>Polls until the asynchronous condition holds; fails the test after 15 s.</summary>
    public static async Task True(Func<Task<bool>> condition, string what)
    {
        var limit = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > limit)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }
            await Task.Delay(5);
        }
    }
}
