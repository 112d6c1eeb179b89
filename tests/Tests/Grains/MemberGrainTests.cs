using ApiSecurity.Grains.Apis;
using ApiSecurity.Grains.Members;
using ApiSecurity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;

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
    public async Task LoginHistory_KeepsTheLast50Attempts_NewestFirst_IncludingLockouts()
    {
        var (id, email) = await RegisterAsync("right-password");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);
        var member = fixture.Grains.GetGrain<IMemberGrain>(id);
        for (var i = 0; i < 52; i++)
        {
            Assert.Equal(LoginStatus.Ok, (await login.CheckCredentialsAsync(email, "right-password", $"192.0.2.{i}")).Status);
        }

        for (var i = 0; i < ClusterFixture.LockoutAttempts; i++)
        {
            await login.CheckCredentialsAsync(email, "wrong-password", "198.51.100.7");
        }

        Assert.Equal(LoginStatus.LockedOut, (await login.CheckCredentialsAsync(email, "right-password", "203.0.113.9")).Status);

        var history = (await member.GetLoginHistoryAsync())!;
        Assert.Equal(LoginAttempt.Kept, history.Count);
        Assert.Equal(new LoginAttempt(history[0].At, "203.0.113.9", LoginStatus.LockedOut), history[0]);
        Assert.All(history.Skip(1).Take(ClusterFixture.LockoutAttempts), a => Assert.Equal(LoginStatus.InvalidCredentials, a.Outcome));
        Assert.Equal("192.0.2.51", history[ClusterFixture.LockoutAttempts + 1].ClientIp);
        Assert.DoesNotContain(history, a => a.ClientIp is "192.0.2.0" or "192.0.2.1");
        Assert.Null(await fixture.Grains.GetGrain<IMemberGrain>(987_654_321).GetLoginHistoryAsync());
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
    public async Task ConcurrentWrongPasswords_AllCount()
    {
        var (id, email) = await RegisterAsync("right-password");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);

        var attempts = await Task.WhenAll(Enumerable.Range(0, ClusterFixture.LockoutAttempts - 1)
            .Select(_ => login.CheckCredentialsAsync(email, "wrong-password", null)));

        Assert.All(attempts, a => Assert.Equal(LoginStatus.InvalidCredentials, a.Status));
        Assert.Equal(ClusterFixture.LockoutAttempts - 1, (await fixture.Grains.GetGrain<IMemberGrain>(id).GetProfileAsync())!.FailedLogins);
    }

    [Fact]
    public async Task ConcurrentWrongPasswords_LockTheMember_AndTheLockHolds()
    {
        var (id, email) = await RegisterAsync("right-password");
        var login = fixture.Grains.GetGrain<ILoginGrain>(0);

        await Task.WhenAll(Enumerable.Range(0, ClusterFixture.LockoutAttempts)
            .Select(_ => login.CheckCredentialsAsync(email, "wrong-password", null)));

        var afterwards = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => login.CheckCredentialsAsync(email, "right-password", null)));
        Assert.All(afterwards, a => Assert.Equal(new LoginResult(LoginStatus.LockedOut, 0), a));
        Assert.NotNull((await fixture.Grains.GetGrain<IMemberGrain>(id).GetProfileAsync())!.LockedUntil);
    }

    [Fact]
    public async Task EveryLoginOutcome_CostsOneVerification_RunOffTheOrleansScheduler()
    {
        var before = HashingRuns();
        var (_, email) = await RegisterAsync("right-password");
        Assert.Equal(before.Runs + 1, HashingRuns().Runs);

        var login = fixture.Grains.GetGrain<ILoginGrain>(0);
        await login.CheckCredentialsAsync(email, "right-password", null);
        await login.CheckCredentialsAsync(email, "wrong-password", null);
        await login.CheckCredentialsAsync("nobody-" + email, "right-password", null);
        await login.CheckCredentialsAsync("not an email", "right-password", null);
        await login.CheckCredentialsAsync(email, new string('x', MemberValidation.MaxPasswordLength + 1), null);
        for (var i = 0; i < ClusterFixture.LockoutAttempts; i++)
        {
            await login.CheckCredentialsAsync(email, "wrong-password", null);
        }

        Assert.Equal(LoginStatus.LockedOut, (await login.CheckCredentialsAsync(email, "right-password", null)).Status);

        var after = HashingRuns();
        Assert.Equal(before.Runs + 1 + 5 + ClusterFixture.LockoutAttempts + 1, after.Runs);
        Assert.Equal(0, after.OnOtherSchedulers);
    }

    [Fact]
    public async Task UnknownEmails_AreCheckedByDecoyMembers_ThatNeverBecomeMembers()
    {
        var email = Admin.UniqueEmail();
        var decoy = LoginGrain.DecoyId(email);
        Assert.InRange(decoy, -LoginGrain.DecoyCount, -1);
        Assert.Equal(decoy, LoginGrain.DecoyId(email));

        var result = await fixture.Grains.GetGrain<ILoginGrain>(0).CheckCredentialsAsync(email, "any-password", null);

        Assert.Equal(new LoginResult(LoginStatus.InvalidCredentials, 0), result);
        Assert.False(await fixture.Grains.GetGrain<IMemberGrain>(decoy).ExistsAsync());
        Assert.Null(await fixture.Grains.GetGrain<IMemberGrain>(decoy).GetProfileAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            fixture.Grains.GetGrain<IMemberGrain>(decoy).CreateAsync(email, new NewMember(email, null, null, null, null, null), "hash"));
    }

    [Fact]
    public void BusyHashingPool_Fault_CrossesGrainCallsWithItsType()
    {
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new PasswordHashingBusyException()));
        Assert.IsType<PasswordHashingBusyException>(copy);
    }

    private (long Runs, long OnOtherSchedulers) HashingRuns()
    {
        var pools = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<PasswordWork>()).ToList();
        return (pools.Sum(p => p.Runs), pools.Sum(p => p.RunsOnOtherSchedulers));
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
