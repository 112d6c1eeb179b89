using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Rcms.Operations;

namespace ApiSecurity.WebFront.Rcms.Pipeline;

/// <summary>The last step: runs the endpoint's operation, found in a table indexed by <see cref="Operation"/>.</summary>
public sealed class OperationStep(IEnumerable<IRcmsOperation> operations) : IRcmsStep
{
    private readonly IRcmsOperation[] _operations = BuildTable(operations);

    /// <inheritdoc/>
    public async ValueTask<bool> InvokeAsync(RcmsExchange exchange)
    {
        var endpoint = exchange.Endpoint!;
        await _operations[(int)endpoint.Operation].ExecuteAsync(exchange.HttpContext, endpoint.Request, exchange.Authentication.Caller);
        return false;
    }

    private static IRcmsOperation[] BuildTable(IEnumerable<IRcmsOperation> operations)
    {
        var table = new IRcmsOperation[Enum.GetValues<Operation>().Length];
        foreach (var operation in operations)
        {
            table[(int)operation.Operation] = operation;
        }

        return table;
    }
}
