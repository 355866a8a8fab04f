//! PRI values, leading zeros, facility and severity names.

use super::*;

#[test]
fn priority_values_and_names() {
    let cases: &[(&str, u8, &str, &str)] = &[
        ("<0>", 0, "kern", "emerg"),
        ("<13>", 13, "user", "notice"),
        ("<22>", 22, "mail", "info"),
        ("<30>", 30, "daemon", "info"),
        ("<38>", 38, "auth", "info"),
        ("<46>", 46, "syslog", "info"),
        ("<55>", 55, "lpr", "debug"),
        ("<56>", 56, "news", "emerg"),
        ("<65>", 65, "uucp", "alert"),
        ("<74>", 74, "cron", "crit"),
        ("<83>", 83, "authpriv", "err"),
        ("<92>", 92, "ftp", "warning"),
        ("<101>", 101, "ntp", "notice"),
        ("<110>", 110, "security", "info"),
        ("<119>", 119, "console", "debug"),
        ("<120>", 120, "solaris-cron", "emerg"),
        ("<134>", 134, "local0", "info"),
        ("<142>", 142, "local1", "info"),
        ("<150>", 150, "local2", "info"),
        ("<158>", 158, "local3", "info"),
        ("<166>", 166, "local4", "info"),
        ("<174>", 174, "local5", "info"),
        ("<182>", 182, "local6", "info"),
        ("<191>", 191, "local7", "debug"),
        // Leading zeros are accepted (1*3DIGIT): see parse_pri.
        ("<00>", 0, "kern", "emerg"),
        ("<013>", 13, "user", "notice"),
        ("<000>", 0, "kern", "emerg"),
    ];
    for &(prefix, value, facility, severity) in cases {
        let line = format!("{prefix}x");
        let p = ok(&line).priority.expect("a priority");
        assert_eq!(p.value(), value, "{prefix}");
        assert_eq!(p.facility, value / 8);
        assert_eq!(p.severity, value % 8);
        assert_eq!((p.facility_name(), p.severity_name()), (facility, severity), "{prefix}");
    }
    assert_eq!(Priority::from_value(192), None);
    let odd = Priority {
        facility: 40,
        severity: 9,
    };
    assert_eq!((odd.facility_name(), odd.severity_name()), ("unknown", "unknown"));
    let _ = odd.value(); // must not panic
}
