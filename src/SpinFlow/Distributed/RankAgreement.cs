namespace SpinFlow.Distributed;

/// <summary>
/// Marks errors that every rank raises together (rank 0 decided and told the others), so a launcher's processes can
/// all exit normally with it; any other error after the ranks have communicated must stop the job at once
/// (<see cref="IRanks.Abort"/>), because the other ranks may be waiting for this one.
/// </summary>
public static class RankAgreement
{
    private const string Key = "spinflow.ranks-agree";

    /// <summary>Marks <paramref name="e"/> as raised on every rank alike and returns it.</summary>
    public static Exception Mark(Exception e)
    {
        e.Data[Key] = true;
        return e;
    }

    /// <summary>True when <paramref name="e"/> was marked by <see cref="Mark"/>.</summary>
    public static bool IsAgreed(Exception e) => e.Data.Contains(Key);
}
