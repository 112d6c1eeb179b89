using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.WebFront.Rcms.Credentials;

namespace ApiSecurity.WebFront.Rcms.Operations;

/// <summary><c>Authentication / Login / profile</c>: the logged-in member.</summary>
public sealed class ProfileOperation(IGrainFactory grains) : IRcmsOperation
{
    /// <inheritdoc/>
    public Operation Operation => Operation.Profile;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext context, RcmsRequestFeature request, RcmsCaller? caller) => AnswerAsync(grains, context, caller);

    /// <summary>Answers with the caller's profile (also <c>Member / me</c>), 401 without a member.</summary>
    public static async Task AnswerAsync(IGrainFactory grains, HttpContext context, RcmsCaller? caller)
    {
        var profile = caller?.MemberId is { } memberId ? await grains.GetGrain<IMemberGrain>(memberId).GetProfileAsync() : null;
        if (profile is null)
        {
            await RcmsResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, RcmsResponse.Codes.Unauthorized, "Login required");
            return;
        }

        await RcmsResponse.OkAsync(context, writer =>
        {
            writer.WriteNumber("member_id", profile.MemberId);
            writer.WriteString("email", profile.Email);
            writer.WriteString("name1", profile.Name1);
            writer.WriteString("name2", profile.Name2);
            writer.WriteString("nickname", profile.Nickname);
            // Kuroco's records call the member's groups group_ids; both names carry the same list.
            foreach (var name in (ReadOnlySpan<string>)["groups", "group_ids"])
            {
                writer.WriteStartArray(name);
                foreach (var group in profile.Groups)
                {
                    writer.WriteStringValue(group);
                }

                writer.WriteEndArray();
            }
        });
    }
}
