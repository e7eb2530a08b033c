namespace Keel.DiskImages.Tests;

public class StableIdsTests
{
    [Fact]
    public void Derive_matches_an_independent_rfc4122_v5_implementation()
    {
        // Python: uuid.uuid5(UUID('6b65656c-2d64-4973-8b2d-696d61676573'), 'lab-seed\x00partition:root')
        Assert.Equal(Guid.Parse("86bb46cf-11da-51e4-a064-bd04ed011c64"), StableIds.Derive("lab-seed", "partition:root"));
    }

    [Fact]
    public void Derive_is_stable_per_seed_and_purpose_and_random_without_seed()
    {
        Assert.Equal(StableIds.Derive("s", "disk"), StableIds.Derive("s", "disk"));
        Assert.NotEqual(StableIds.Derive("s", "disk"), StableIds.Derive("s", "esp"));
        Assert.NotEqual(StableIds.Derive("a", "bc"), StableIds.Derive("ab", "c"));
        Assert.NotEqual(StableIds.Derive(null, "disk"), StableIds.Derive(null, "disk"));
        Assert.Equal('5', StableIds.Derive("s", "disk").ToString()[14]);
    }

    [Fact]
    public void VolumeId_is_the_first_eight_hex_digits()
    {
        Assert.Equal(0x86bb46cfu, StableIds.VolumeId(Guid.Parse("86bb46cf-11da-51e4-a064-bd04ed011c64")));
    }
}
