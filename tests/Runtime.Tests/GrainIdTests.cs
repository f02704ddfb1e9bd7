using System.Text;
using Xunit;

namespace MachineGrid.Runtime.Tests;

public sealed class GrainIdTests
{
    /// <summary>The hash is stored with reminders and grain state, so it must stay FNV-1a over the UTF-8 of "type/key".</summary>
    [Theory]
    [InlineData("machinegroup", "g-01a203e9af27708599194d1aaa9103d4")]
    [InlineData("run", "r-1")]
    [InlineData("machine", "ключ-😀-é")]
    public void The_stable_hash_is_FNV_1a_over_the_UTF_8_of_type_slash_key(string type, string key)
    {
        var expected = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{type}/{key}"))
        {
            expected = (expected ^ b) * 16777619u;
        }

        Assert.Equal(expected, new GrainId(type, key).GetStableHash());
    }
}
