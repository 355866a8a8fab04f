//! Tables of the Security log: logon type names and the NTSTATUS codes of failed logons.

/// The name Winlogbeat gives a logon type (`10` → `RemoteInteractive`).
pub fn logon_type_name(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "0" => "System",
        "2" => "Interactive",
        "3" => "Network",
        "4" => "Batch",
        "5" => "Service",
        "7" => "Unlock",
        "8" => "NetworkCleartext",
        "9" => "NewCredentials",
        "10" => "RemoteInteractive",
        "11" => "CachedInteractive",
        "12" => "CachedRemoteInteractive",
        "13" => "CachedUnlock",
        _ => return None,
    })
}

/// Why a logon failed, from its `Status`/`SubStatus` (Microsoft's descriptions of event 4625).
pub fn status_reason(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "0XC000005E" => "There are currently no logon servers available to service the logon request.",
        "0XC0000064" => "User logon with misspelled or bad user account",
        "0XC000006A" => "User logon with misspelled or bad password",
        "0XC000006D" => "This is either due to a bad username or authentication information",
        "0XC000006E" => "Unknown user name or bad password.",
        "0XC000006F" => "User logon outside authorized hours",
        "0XC0000070" => "User logon from unauthorized workstation",
        "0XC0000071" => "User logon with expired password",
        "0XC0000072" => "User logon to account disabled by administrator",
        "0XC00000DC" => "Indicates the Sam Server was in the wrong state to perform the desired operation.",
        "0XC0000133" => "Clocks between DC and other computer too far out of sync",
        "0XC000015B" => "The user has not been granted the requested logon type (aka logon right) at this machine",
        "0XC000018C" => "The logon request failed because the trust relationship between the primary domain and the trusted domain failed.",
        "0XC0000192" => "An attempt was made to logon, but the Netlogon service was not started.",
        "0XC0000193" => "User logon with expired account",
        "0XC0000224" => "User is required to change password at next logon",
        "0XC0000225" => "Evidently a bug in Windows and not a risk",
        "0XC0000234" => "User logon with account locked",
        "0XC00002EE" => "Failure Reason: An Error occurred during Logon",
        "0XC0000413" => "Logon Failure: The machine you are logging onto is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.",
        _ => return None,
    })
}

/// Kerberos result codes of 4768/4769/4771 (`0x18`: pre-authentication failed).
pub fn kerberos_reason(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_lowercase().as_str() {
        "0x6" => "Client not found in Kerberos database",
        "0x7" => "Server not found in Kerberos database",
        "0x12" => "Client's credentials have been revoked",
        "0x17" => "Password has expired",
        "0x18" => "Pre-authentication information was invalid",
        "0x20" => "Ticket expired",
        "0x25" => "Clock skew too great",
        _ => return None,
    })
}
