using Xunit;

namespace MachineGrid.Grains.Tests;

public sealed class RequirementMessageTests
{
    [Fact]
    public void A_check_that_holds_does_not_build_its_message()
    {
        var built = 0;
        string Part() => $"part {++built}";

        DomainException.Require(true, $"{Part()} and {Part()}");

        Assert.Equal(0, built);
    }

    [Fact]
    public void A_check_that_fails_throws_a_validation_error_with_the_whole_message()
    {
        var value = RunPriority.Normal;

        var error = Assert.Throws<DomainException>(() => DomainException.Require(false, $"priority {value} at {3:D2}; allowed: {string.Join(", ", Enum.GetNames<RunPriority>())}."));

        Assert.Equal(DomainErrorCode.Validation, error.Code);
        Assert.Equal("priority Normal at 03; allowed: High, Normal, Low.", error.Message);
    }
}
