using System.Text;
using System.Text.Json;
using Keel.Agent;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.Provisioning.UserData;
using Xunit.Abstractions;

namespace Keel.Provisioning.Tests;

/// <summary>
/// Issue 8 finding 6: user data and meta-data built to exhaust memory are refused while being read, and `run` still
/// records what it refused in the status document.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    /// <summary>Ceiling for what refusing one hostile input may allocate (the bomb itself expands to gigabytes).</summary>
    private const long AllocationCeiling = 128L * 1024 * 1024;

    /// <summary>The classic "billion laughs": 9 levels of 9 aliases, 9^9 (387 million) strings from about 600 bytes.</summary>
    internal static string AliasBomb(string header = "#cloud-config\n")
    {
        var sb = new StringBuilder(header);
        sb.Append("a0: &a0 [").AppendJoin(",", Enumerable.Repeat("\"lol\"", 9)).Append("]\n");
        for (var i = 1; i <= 8; i++)
        {
            sb.Append($"a{i}: &a{i} [").AppendJoin(",", Enumerable.Repeat($"*a{i - 1}", 9)).Append("]\n");
        }

        return sb.ToString();
    }

    [Fact]
    public void The_alias_bomb_is_small()
    {
        Assert.InRange(Encoding.UTF8.GetByteCount(AliasBomb()), 400, 700);
    }

    [Fact]
    public void Reader_refuses_an_alias_bomb_counting_expanded_nodes()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<LimitExceededException>(() => YamlConfigReader.Parse(AliasBomb(), "user-data (part-001)"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ReasonCodes.LimitExceeded, ex.Reason);
        Assert.Equal("user-data (part-001)", ex.Input);
        Assert.StartsWith("user-data (part-001):", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expands to more than", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.True(allocated < AllocationCeiling, $"allocated {allocated} bytes");
        output.WriteLine($"reading the alias bomb allocated {allocated} bytes");
    }

    [Fact]
    public void Aliases_below_the_budget_still_resolve()
    {
        var node = YamlConfigReader.ParseMap("base: &b {x: 1, y: [1, 2]}\nuse: *b\nmerged:\n  <<: *b\n  z: 3\n", "ok");
        Assert.Equal("""{"base":{"x":1,"y":[1,2]},"use":{"x":1,"y":[1,2]},"merged":{"x":1,"y":[1,2],"z":3}}""", CloudJson.Serialize(node, false));
    }

    [Fact]
    public void Run_refuses_an_alias_bomb_in_user_data_and_writes_an_error_status()
    {
        using var t = new TestRoot();
        t.Seed(AliasBomb());
        var options = new ProvisioningOptions { Schema = Schema.CloudConfigSchema.LoadEmbedded(), BootId = "boot-1" };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = new Provisioner(t.Root, options, TextWriter.Null).RunNoCloud(t.SeedPath);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("error", status.Status);
        var error = Assert.Single(status.Errors, e => e.Message.Contains("expands to more than", StringComparison.Ordinal));
        Assert.StartsWith("user-data", error.Source, StringComparison.Ordinal);
        Assert.StartsWith("user-data", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationCeiling, $"allocated {allocated} bytes");
        output.WriteLine($"run of the alias bomb allocated {allocated} bytes: {error.Message}");

        var written = JsonDocument.Parse(t["/var/lib/cloud/data/keel-status.json"]).RootElement;
        Assert.Equal("error", written.GetProperty("status").GetString());
        Assert.Contains(written.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_refuses_an_alias_bomb_in_meta_data_as_a_datasource_error()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nhostname: x\n");
        File.WriteAllText(Path.Combine(t.SeedPath, "meta-data"), AliasBomb("instance-id: iid-bomb\n"));

        var status = t.Run();

        Assert.Equal("error", status.Status);
        var error = Assert.Single(status.Errors);
        Assert.Equal("datasource", error.Source);
        Assert.Contains("meta-data", error.Message, StringComparison.Ordinal);
        Assert.Contains("expands to more than", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(t.Host("/var/lib/cloud/data/keel-status.json")));
    }

    [Fact]
    public void Run_through_the_command_line_reports_the_bomb_and_exits_1()
    {
        using var t = new TestRoot();
        t.Seed(AliasBomb());
        var (code, _, err) = Cli("run", "--root", t.RootPath, "--seed", t.SeedPath);
        Assert.Equal(1, code);
        Assert.Contains("user-data", err, StringComparison.Ordinal);
        Assert.Contains("expands to more than", err, StringComparison.Ordinal);
        var status = Cli("status", "--root", t.RootPath);
        Assert.Equal(1, status.Code);
        Assert.Contains("\"status\": \"error\"", status.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_refuses_an_alias_bomb()
    {
        using var t = new TestRoot();
        t.Seed(AliasBomb());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (code, output, err) = Cli("query", "--seed", t.SeedPath);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1, code);
        Assert.Contains("user-data", err, StringComparison.Ordinal);
        Assert.Contains("expands to more than", err, StringComparison.Ordinal);
        Assert.True(output.Length < 4096, $"printed {output.Length} characters");
        Assert.True(allocated < AllocationCeiling, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Alias_bomb_in_a_cloud_config_archive_is_refused()
    {
        var archive = "#cloud-config-archive\n" + AliasBomb("").Replace("a8: &a8", "- &a8", StringComparison.Ordinal);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = new UserDataProcessor().Process(Encoding.UTF8.GetBytes(archive), "archive");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationCeiling);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Merged_parts_are_held_to_the_same_node_budget()
    {
        // Each part stays under the budget; appending them all would not.
        var part = new StringBuilder("#cloud-config\nmerge_how: [{name: list, settings: [append]}, {name: dict, settings: [recurse_array]}]\n");
        part.Append("a0: &a0 [").AppendJoin(",", Enumerable.Repeat("x", 10)).Append("]\n");
        for (var i = 1; i <= 4; i++)
        {
            part.Append($"a{i}: &a{i} [").AppendJoin(",", Enumerable.Repeat($"*a{i - 1}", 10)).Append("]\n");
        }

        part.Append("big: [*a4, *a4, *a4, *a4, *a4, *a4, *a4]\n");
        var mime = new StringBuilder("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (var i = 0; i < 40; i++)
        {
            mime.Append("--b\nContent-Type: text/cloud-config\n\n").Append(part).Append('\n');
        }

        mime.Append("--b--\n");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes(mime.ToString()), "user-data", null);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationCeiling);
        Assert.Contains(assembled.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("expands to more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Include_of_dev_zero_is_refused()
    {
        // A device's length is 0; reading it would never end (/dev/zero) or block (a terminal).
        var before = GC.GetAllocatedBytesForCurrentThread();
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes("#include file:///dev/zero\n"), "user-data", new LocalIncludeFetcher());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var refusal = Assert.Single(assembled.Diagnostics);
        Assert.Equal("#include file:///dev/zero: character device, not a regular file; refused", refusal.Message);
        Assert.True(allocated < AllocationCeiling, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Include_of_a_file_longer_than_its_length_is_cut_at_the_byte_limit()
    {
        // A regular file whose length says 0 and whose content is 8 bytes for every page of the address space.
        Assert.Equal(0, new FileInfo("/proc/self/pagemap").Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes("#include file:///proc/self/pagemap\n"), "user-data", new LocalIncludeFetcher());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var refusal = Assert.Single(assembled.Diagnostics);
        Assert.Equal(Severity.Error, refusal.Severity);
        Assert.Equal($"#include file:///proc/self/pagemap: more than {LocalIncludeFetcher.MaxBytes} bytes; refused", refusal.Message);
        Assert.True(allocated < AllocationCeiling, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Byte_limited_reads_stop_within_a_chunk_past_the_limit()
    {
        using var endless = new EndlessStream();
        var ex = Assert.Throws<LimitExceededException>(() => BoundedRead.ReadAll(endless, 1000, "input"));
        Assert.Equal("input: more than 1000 bytes; refused", ex.Message);
        Assert.InRange(endless.Position, 1001, 1000 + BoundedRead.ChunkBytes);
        Assert.Equal([1, 2, 3], BoundedRead.ReadAll(new MemoryStream([1, 2, 3]), 3, "exact"));
    }

    [Fact]
    public void Query_refuses_an_include_of_dev_zero()
    {
        using var t = new TestRoot();
        t.Seed("#include file:///dev/zero\n");
        var (_, _, err) = Cli("query", "--seed", t.SeedPath);
        Assert.Contains("#include file:///dev/zero: character device, not a regular file; refused", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_are_counted()
    {
        using var t = new TestRoot();
        var small = Path.Combine(t.Base, "small");
        File.WriteAllText(small, "#cloud-config\na: 1\n");
        var many = "#include\n" + string.Concat(Enumerable.Repeat($"file://{small}\n", UserDataProcessor.MaxIncludes + 10));
        var result = new UserDataProcessor(new LocalIncludeFetcher()).Process(Encoding.UTF8.GetBytes(many), "user-data");
        Assert.Equal(UserDataProcessor.MaxIncludes, result.Parts.Count);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains($"more than {UserDataProcessor.MaxIncludes} includes", StringComparison.Ordinal));
    }

    [Fact]
    public void Datasource_files_that_are_devices_are_refused_not_read()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\n");
        File.Delete(Path.Combine(t.SeedPath, "user-data"));
        File.CreateSymbolicLink(Path.Combine(t.SeedPath, "user-data"), "/dev/zero");
        var noCloud = Assert.ThrowsAny<KeelException>(() => Datasources.NoCloudSeed.Read(t.SeedPath));
        Assert.Equal($"{t.SeedPath}/user-data: character device, not a regular file; refused", noCloud.Message);

        var drive = Path.Combine(t.Base, "config-2");
        Directory.CreateDirectory(Path.Combine(drive, "openstack/latest"));
        File.WriteAllText(Path.Combine(drive, "openstack/latest/meta_data.json"), """{"uuid": "u1"}""");
        File.CreateSymbolicLink(Path.Combine(drive, "openstack/latest/user_data"), "/dev/zero");
        var configDrive = Assert.Throws<InvalidDataException>(() => Datasources.ConfigDrive.Read(drive));
        Assert.Contains("user_data: character device, not a regular file; refused", configDrive.Message, StringComparison.Ordinal);

        var ovf = Path.Combine(t.Base, "ovf");
        Directory.CreateDirectory(ovf);
        File.CreateSymbolicLink(Path.Combine(ovf, "ovf-env.xml"), "/dev/zero");
        var azure = Assert.Throws<InvalidDataException>(() => Datasources.Azure.OvfEnvironment.ReadDirectory(ovf));
        Assert.Contains("ovf-env.xml: character device, not a regular file; refused", azure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{bad")]
    public void A_corrupt_status_document_does_not_stop_later_runs(string corrupt)
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nhostname: after-corruption\nssh_genkeytypes: []\n");
        Directory.CreateDirectory(t.Host("/var/lib/cloud/data"));
        File.WriteAllText(t.Host("/var/lib/cloud/data/keel-status.json"), corrupt);

        var status = t.Run();

        Assert.Equal("after-corruption\n", t["/etc/hostname"]);
        var warning = Assert.Single(status.Warnings, w => w.Source == "/var/lib/cloud/data/keel-status.json");
        Assert.Contains("corrupt status document", warning.Message, StringComparison.Ordinal);
        Assert.Equal(status.Status, JsonDocument.Parse(t["/var/lib/cloud/data/keel-status.json"]).RootElement.GetProperty("status").GetString());
    }

    /// <summary>Zeros without end, counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AgentCli.RunAsync(args, stdout, stderr).GetAwaiter().GetResult();
        return (code, stdout.ToString(), stderr.ToString());
    }
}
