using System.Security.Cryptography;
using System.Text.Json;

namespace ApiSecurity.Grains.Audit;

/// <summary>What the front knows about an admin call before it is numbered and chained.</summary>
[GenerateSerializer, Immutable, Alias("AuditDraft")]
public sealed record AuditDraft(
    [property: Id(0)] long At,
    [property: Id(1)] string Admin,
    [property: Id(2)] string? CredentialId,
    [property: Id(3)] string? ClientIp,
    [property: Id(4)] string Action,
    [property: Id(5)] IReadOnlyDictionary<string, string> Target,
    [property: Id(6)] int Outcome,
    [property: Id(7)] string Summary);

/// <summary>One entry of the audit trail: a draft with its sequence number and chained hash.</summary>
[GenerateSerializer, Immutable, Alias("AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] long At,
    [property: Id(2)] string Admin,
    [property: Id(3)] string? CredentialId,
    [property: Id(4)] string? ClientIp,
    [property: Id(5)] string Action,
    [property: Id(6)] IReadOnlyDictionary<string, string> Target,
    [property: Id(7)] int Outcome,
    [property: Id(8)] string Summary,
    [property: Id(9)] string Hash);

/// <summary>The position of the newest entry.</summary>
[GenerateSerializer, Immutable, Alias("AuditHead")]
public sealed record AuditHead(
    [property: Id(0)] long LastSeq,
    [property: Id(1)] string LastHash);

/// <summary>The hash chain: each entry's hash covers the previous hash and the entry's own fields.</summary>
public static class AuditChain
{
    /// <summary>Entries per storage record (<see cref="IAuditPageGrain"/>); an append rewrites one page only.</summary>
    public const int PageSize = 100;

    /// <summary>The "previous hash" of entry 1: 32 zero bytes, hex.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The page that holds entry <paramref name="seq"/> (1-based).</summary>
    public static long PageOf(long seq) => (seq - 1) / PageSize;

    /// <summary>SHA-256 over (previous hash ‖ canonical fields), lowercase hex.</summary>
    public static string Hash(string previousHash, long seq, AuditDraft d)
    {
        var canonical = Canonical(seq, d.At, d.Admin, d.CredentialId, d.ClientIp, d.Action, d.Target, d.Outcome, d.Summary);
        var prefix = Convert.FromHexString(previousHash);
        var bytes = new byte[prefix.Length + canonical.Length];
        prefix.CopyTo(bytes, 0);
        canonical.CopyTo(bytes, prefix.Length);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>The hash an entry should carry after <paramref name="previousHash"/>.</summary>
    public static string Hash(string previousHash, AuditEntry e) =>
        Hash(previousHash, e.Seq, new AuditDraft(e.At, e.Admin, e.CredentialId, e.ClientIp, e.Action, e.Target, e.Outcome, e.Summary));

    /// <summary>
    /// The canonical form: a JSON array of the fields in a fixed order, the target's keys sorted ordinally,
    /// so the same entry always gives the same bytes whichever process computes it.
    /// </summary>
    private static byte[] Canonical(long seq, long at, string admin, string? credentialId, string? clientIp, string action,
        IReadOnlyDictionary<string, string> target, int outcome, string summary)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(seq);
            writer.WriteNumberValue(at);
            writer.WriteStringValue(admin);
            writer.WriteStringValue(credentialId);
            writer.WriteStringValue(clientIp);
            writer.WriteStringValue(action);
            writer.WriteStartObject();
            foreach (var (key, value) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteNumberValue(outcome);
            writer.WriteStringValue(summary);
            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    /// <summary>Checks entries in order starting after <paramref name="previousHash"/>; returns the first bad seq or null.</summary>
    public static long? FirstBad(long expectedSeq, ref string previousHash, IEnumerable<AuditEntry> entries, ref long checkedCount)
    {
        foreach (var entry in entries)
        {
            if (entry.Seq != expectedSeq)
            {
                return expectedSeq;
            }

            var hash = Hash(previousHash, entry);
            if (!string.Equals(hash, entry.Hash, StringComparison.Ordinal))
            {
                return entry.Seq;
            }

            previousHash = hash;
            checkedCount++;
            expectedSeq++;
        }

        return null;
    }
}
