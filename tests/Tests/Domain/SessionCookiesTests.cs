using ApiSecurity.WebFront.Rcms.Credentials;
using Microsoft.AspNetCore.Http;

namespace ApiSecurity.Tests.Domain;

/// <summary>
/// Reading the session and auto-login cookies straight from the <c>Cookie</c> header, as browsers send it:
/// among other cookies, in any position, only under the exact name the request's scheme reads.
/// </summary>
public sealed class SessionCookiesTests
{
    private const string Token = "42.U3TgtyFfvVTbJdZi_ETV-b9pS3IIHpcnLVx9xJtYuPQ.AYXyU8YlKmpphCGe3L9ls_E";

    private static HttpRequest Request(bool https, params string[] cookieHeaders)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Headers.Cookie = cookieHeaders;
        return context.Request;
    }

    [Theory]
    [InlineData("rcms_api_access_token=" + Token)]
    [InlineData("theme=dark; rcms_api_access_token=" + Token + "; _ga=GA1.2.3")]
    [InlineData("  rcms_api_access_token = " + Token + " ;other=1")]
    [InlineData("rcms_api_access_token=\"" + Token + "\"")]
    [InlineData("a=1;rcms_api_access_token=" + Token)]
    public void SessionCookie_IsFound_WhereverItIsInTheHeader(string header)
    {
        Assert.Equal(Token, SessionCookies.ReadAccess(Request(false, header)));
        Assert.Equal(Token, SessionCookies.FindAccess(Request(false, header)).ToString());
    }

    [Fact]
    public void TheSessionCookie_IsFound_AsASliceOfTheHeader_NotACopy()
    {
        var header = "theme=dark; rcms_api_access_token=\"" + Token + "\" ; lang=ja";

        var found = SessionCookies.FindAccess(Request(false, header));

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetString(found, out var text, out var start, out var length));
        Assert.Same(header, text);
        Assert.Equal(header.IndexOf(Token, StringComparison.Ordinal), start);
        Assert.Equal(Token.Length, length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("rcms_api_access_token=")]
    [InlineData("rcms_api_access_token=\"\"")]
    [InlineData("x_rcms_api_access_token=" + Token)]
    [InlineData("rcms_api_access_tokens=" + Token)]
    [InlineData("RCMS_API_ACCESS_TOKEN=" + Token)]
    [InlineData("rcms_api_access_token")]
    [InlineData("other=rcms_api_access_token=" + Token)]
    [InlineData(";;; =" + Token)]
    public void OtherCookies_AndEmptyValues_AreNotTheSession(string header)
    {
        Assert.Null(SessionCookies.ReadAccess(Request(false, header)));
        Assert.True(SessionCookies.FindAccess(Request(false, header)).IsEmpty);
    }

    [Fact]
    public void TheFirstNonEmptyCookieOfTheName_Counts_AndOnlySemicolonsSeparate()
    {
        Assert.Equal("good", SessionCookies.ReadAccess(Request(false, "rcms_api_access_token=; rcms_api_access_token=good")));
        Assert.Null(SessionCookies.ReadAccess(Request(false, "a=1, rcms_api_access_token=" + Token)));
        Assert.Null(SessionCookies.ReadAccess(Request(true, "a=x,__Host-rcms_api_access_token=" + Token)));
        Assert.Equal("first", SessionCookies.ReadAccess(Request(false, "rcms_api_access_token=first; rcms_api_access_token=second")));
        Assert.Equal("first", SessionCookies.ReadAccess(Request(false, "x=1; rcms_api_access_token=first", "rcms_api_access_token=second")));
    }

    [Fact]
    public void SeveralCookieHeaders_AreAllRead()
    {
        Assert.Equal(Token, SessionCookies.ReadAccess(Request(false, "a=1", "b=2; rcms_api_access_token=" + Token)));
        Assert.Equal("saved", SessionCookies.ReadRefresh(Request(false, "rcms_api_access_token=x", "rcms_api_refresh_token=saved")));
    }

    [Fact]
    public void OverHttps_OnlyTheHostPrefixedNames_AreRead()
    {
        Assert.Null(SessionCookies.ReadAccess(Request(true, "rcms_api_access_token=" + Token)));
        Assert.Null(SessionCookies.ReadAccess(Request(true, "__host-rcms_api_access_token=" + Token)));
        Assert.Equal(Token, SessionCookies.ReadAccess(Request(true, "rcms_api_access_token=planted; __Host-rcms_api_access_token=" + Token)));
        Assert.Equal("saved", SessionCookies.ReadRefresh(Request(true, "__Host-rcms_api_refresh_token=saved")));
        Assert.Null(SessionCookies.ReadAccess(Request(false, "__Host-rcms_api_access_token=" + Token)));
    }

    [Fact]
    public void IsPresent_SeesEitherCookie_AndNothingElse()
    {
        Assert.True(SessionCookies.IsPresent(Request(false, "rcms_api_refresh_token=saved")));
        Assert.True(SessionCookies.IsPresent(Request(false, "a=1; rcms_api_access_token=x")));
        Assert.False(SessionCookies.IsPresent(Request(false, "a=1; b=2")));
        Assert.False(SessionCookies.IsPresent(Request(false)));
    }
}
