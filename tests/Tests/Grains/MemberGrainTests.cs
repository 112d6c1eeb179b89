using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Tests.Infrastructure;

namespace ApiSecurity.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class MemberGrainTests(ClusterFixture fixture)
{
    private async Task<(long Id, string Email)> RegisterAsync(string password = "pass-word-1")
    {
        var email = Admin.UniqueEmail();
        var result = await fixture.Grains.GetGrain<IEmailIndexGrain>(email).RegisterAsync(new NewMember(email, password, "A", "B", "C", ["g1"]));
        Assert.Equal(AdminOutcome.Ok, result.Outcome);
        return (result.Value!.MemberId, email);
    }

    [Fact]
    public async Task Registration_IsRefused_WhenEmailIsTaken_EvenUnderConcurrentRegistrations()
    {
        var email = Admin.UniqueEmail();
        var index = fixture.Grains.GetGrain<IEmailIndexGrain>(email);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            index.RegisterAsync(new NewMember(email, $"password-{i}", null, null, null, null))));

        Assert.Single(attempts, a => a.Outcome == AdminOutcome.Ok);
        Assert.Equal(7, attempts.Count(a => a.Outcome == AdminOutcome.Conflict));
        Assert.Equal(attempts.Single(a => a.Outcome == AdminOutcome.Ok).Value!.MemberId, await index.GetMemberIdAsync());
    }

    [Fact]
    public async Task Password_IsStoredHashed_AndChecked()
    {
        var (id, email) = await RegisterAsync("hunter2-hunter2");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);

        Assert.Equal(new LoginResult(LoginStatus.Ok, id), await login.CheckCredentialsAsync(email.ToUpperInvariant(), "hunter2-hunter2", null));
        Assert.Equal(LoginStatus.InvalidCredentials, (await login.CheckCredentialsAsync(email, "hunter3-hunter3", null)).Status);
        Assert.Equal(LoginStatus.InvalidCredentials, (await login.CheckCredentialsAsync("nobody-" + email, "hunter2-hunter2", null)).Status);
    }

    [Fact]
    public async Task Member_IsLockedOut_AfterConsecutiveFailures_UntilUnlocked()
    {
        var (id, email) = await RegisterAsync("right-password");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);
        for (var i = 0; i < ClusterFixture.LockoutAttempts; i++)
        {
            Assert.Equal(LoginStatus.InvalidCredentials, (await login.CheckCredentialsAsync(email, "wrong-password", null)).Status);
        }

        Assert.Equal(LoginStatus.LockedOut, (await login.CheckCredentialsAsync(email, "right-password", null)).Status);
        Assert.NotNull((await fixture.Grains.GetGrain<IMemberGrain>(id).GetProfileAsync())!.LockedUntil);

        Assert.True(await fixture.Grains.GetGrain<IMemberGrain>(id).UnlockAsync());
        Assert.Equal(LoginStatus.Ok, (await login.CheckCredentialsAsync(email, "right-password", null)).Status);
    }

    [Fact]
    public async Task SuccessfulLogin_ResetsTheFailureCount()
    {
        var (_, email) = await RegisterAsync("right-password");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < ClusterFixture.LockoutAttempts - 1; i++)
            {
                await login.CheckCredentialsAsync(email, "wrong-password", null);
            }

            Assert.Equal(LoginStatus.Ok, (await login.CheckCredentialsAsync(email, "right-password", null)).Status);
        }
    }

    [Fact]
    public async Task DeletingMember_FreesItsEmail_AndEndsItsLogins()
    {
        var (id, email) = await RegisterAsync();
        var sessions = fixture.Grains.GetGrain<ApiSecurity.Grains.Sessions.IMemberSessionGrain>(id);
        await sessions.IssueGrantAsync("scope", "api", 300, null);
        Assert.Single(await sessions.ListAsync());

        Assert.True(await fixture.Grains.GetGrain<IMemberGrain>(id).DeleteAsync());

        Assert.Empty(await sessions.ListAsync());
        Assert.Null(await fixture.Grains.GetGrain<IEmailIndexGrain>(email).GetMemberIdAsync());
        Assert.Null(await fixture.Grains.GetGrain<IMemberGrain>(id).GetProfileAsync());
    }
}
