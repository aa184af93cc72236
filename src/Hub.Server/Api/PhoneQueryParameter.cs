namespace Hub.Server.Api;

/// <summary>A phone number given as a query parameter (<c>?phone=</c>), read the same way by every endpoint that takes one.</summary>
internal static class PhoneQueryParameter
{
    /// <summary>
    /// <c>?phone=+44...</c> with the '+' left unescaped arrives as " 44...": a common client mistake, and nothing
    /// else puts a space before the digits.
    /// </summary>
    public static string WithPlusRestored(string phone) =>
        phone.Length > 1 && phone[0] == ' ' && char.IsAsciiDigit(phone[1]) ? "+" + phone[1..] : phone;
}
