//! The CEF extension dictionary: short key names and their full names ("Implementing ArcSight
//! CEF", revision 25, and the ArcSight-defined keys), and the custom fields that take a label.

/// The full name of an extension key: `src` → `sourceAddress`. Full names and keys the dictionary
/// does not know (vendor keys such as `FTNTFGTlogid`) come back as they are.
pub(crate) fn full_name(key: &str) -> &str {
    // Short names fit in a u64: a binary search over integers, cheap in wasm where a `match` on
    // strings is a chain of byte-wise `memcmp`s.
    if let Some(packed) = pack(key) {
        return SHORT_NAMES
            .binary_search_by_key(&packed, |&(p, _)| p)
            .ok()
            .and_then(|i| SHORT_NAMES.get(i))
            .map_or(key, |&(_, full)| full);
    }
    match key {
        "c6a1Label" => "deviceCustomIPv6Address1Label",
        "c6a2Label" => "deviceCustomIPv6Address2Label",
        "c6a3Label" => "deviceCustomIPv6Address3Label",
        "c6a4Label" => "deviceCustomIPv6Address4Label",
        "C6a4Label" => "deviceCustomIPv6Address4Label",
        "cfp1Label" => "deviceCustomFloatingPoint1Label",
        "cfp2Label" => "deviceCustomFloatingPoint2Label",
        "cfp3Label" => "deviceCustomFloatingPoint3Label",
        "cfp4Label" => "deviceCustomFloatingPoint4Label",
        "flexNumber1" => "deviceFlexNumber1",
        "flexNumber1Label" => "deviceFlexNumber1Label",
        "flexNumber2" => "deviceFlexNumber2",
        "flexNumber2Label" => "deviceFlexNumber2Label",
        "DeviceOutboundInterface" => "deviceOutboundInterface",
        "DevicePayloadId" => "devicePayloadId",
        other => other,
    }
}

/// `key`'s bytes as a little-endian integer, when it has 1 to 8 of them.
const fn pack(key: &str) -> Option<u64> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    let mut packed = 0u64;
    let mut i = 0;
    while i < b.len() {
        packed |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    Some(packed)
}

/// The short names of the spec ("Implementing ArcSight CEF", revision 25) and of ArcSight's own
/// keys, packed by [`pack`] and sorted by that number, with their full names (a test checks
/// both). Some senders capitalize `DeviceOutboundInterface` and `DevicePayloadId`: see
/// [`full_name`].
const SHORT_NAMES: [(u64, &str); 79] = [
    (0x0000000000006e69, "bytesIn"),                    // in
    (0x0000000000007461, "agentType"),                  // at
    (0x0000000000007472, "deviceReceiptTime"),          // rt
    (0x0000000000007661, "agentVersion"),               // av
    (0x0000000000316e63, "deviceCustomNumber1"),        // cn1
    (0x0000000000317363, "deviceCustomString1"),        // cs1
    (0x0000000000326e63, "deviceCustomNumber2"),        // cn2
    (0x0000000000327363, "deviceCustomString2"),        // cs2
    (0x0000000000336e63, "deviceCustomNumber3"),        // cn3
    (0x0000000000337363, "deviceCustomString3"),        // cs3
    (0x0000000000347363, "deviceCustomString4"),        // cs4
    (0x0000000000357363, "deviceCustomString5"),        // cs5
    (0x0000000000367363, "deviceCustomString6"),        // cs6
    (0x0000000000637273, "sourceAddress"),              // src
    (0x0000000000637664, "deviceAddress"),              // dvc
    (0x0000000000646961, "agentId"),                    // aid
    (0x0000000000646e65, "endTime"),                    // end
    (0x000000000067736d, "message"),                    // msg
    (0x0000000000707061, "applicationProtocol"),        // app
    (0x0000000000746163, "deviceEventCategory"),        // cat
    (0x0000000000746361, "deviceAction"),               // act
    (0x0000000000746761, "agentAddress"),               // agt
    (0x0000000000746e63, "baseEventCount"),             // cnt
    (0x0000000000747064, "destinationPort"),            // dpt
    (0x0000000000747073, "sourcePort"),                 // spt
    (0x0000000000747261, "agentReceiptTime"),           // art
    (0x0000000000747364, "destinationAddress"),         // dst
    (0x000000000074756f, "bytesOut"),                   // out
    (0x00000000007a7461, "agentTimeZone"),              // atz
    (0x00000000007a7464, "deviceTimeZone"),             // dtz
    (0x0000000031613663, "deviceCustomIPv6Address1"),   // c6a1
    (0x0000000031706663, "deviceCustomFloatingPoint1"), // cfp1
    (0x0000000032613663, "deviceCustomIPv6Address2"),   // c6a2
    (0x0000000032706663, "deviceCustomFloatingPoint2"), // cfp2
    (0x0000000033613663, "deviceCustomIPv6Address3"),   // c6a3
    (0x0000000033706663, "deviceCustomFloatingPoint3"), // cfp3
    (0x0000000034613663, "deviceCustomIPv6Address4"),   // c6a4
    (0x0000000034706663, "deviceCustomFloatingPoint4"), // cfp4
    (0x0000000063616d61, "agentMacAddress"),            // amac
    (0x0000000063616d64, "destinationMacAddress"),      // dmac
    (0x0000000063616d73, "sourceMacAddress"),           // smac
    (0x0000000064697064, "destinationProcessId"),       // dpid
    (0x0000000064697073, "sourceProcessId"),            // spid
    (0x0000000064697564, "destinationUserId"),          // duid
    (0x0000000064697573, "sourceUserId"),               // suid
    (0x0000000074616c64, "destinationGeoLatitude"),     // dlat
    (0x0000000074616c73, "sourceGeoLatitude"),          // slat
    (0x000000636f727064, "destinationProcessName"),     // dproc
    (0x000000636f727073, "sourceProcessName"),          // sproc
    (0x000000656d616e66, "filename"),                   // fname
    (0x000000657a697366, "fileSize"),                   // fsize
    (0x000000676e6f6c64, "destinationGeoLongitude"),    // dlong
    (0x000000676e6f6c73, "sourceGeoLongitude"),         // slong
    (0x0000006f746f7270, "transportProtocol"),          // proto
    (0x0000007265737564, "destinationUserName"),        // duser
    (0x0000007265737573, "sourceUserName"),             // suser
    (0x0000007464746163, "categoryDeviceType"),         // catdt
    (0x0000007472617473, "startTime"),                  // start
    (0x00000074736f6861, "agentHostName"),              // ahost
    (0x00000074736f6864, "destinationHostName"),        // dhost
    (0x00000074736f6873, "sourceHostName"),             // shost
    (0x0000007669727064, "destinationUserPrivileges"),  // dpriv
    (0x0000007669727073, "sourceUserPrivileges"),       // spriv
    (0x000063616d637664, "deviceMacAddress"),           // dvcmac
    (0x0000646970637664, "deviceProcessId"),            // dvcpid
    (0x00006d6f64746e64, "destinationNtDomain"),        // dntdom
    (0x00006d6f64746e73, "sourceNtDomain"),             // sntdom
    (0x00656d6f6374756f, "eventOutcome"),               // outcome
    (0x0074736575716572, "requestUrl"),                 // request
    (0x0074736f68637664, "deviceHostName"),             // dvchost
    (0x6c6562614c316e63, "deviceCustomNumber1Label"),   // cn1Label
    (0x6c6562614c317363, "deviceCustomString1Label"),   // cs1Label
    (0x6c6562614c326e63, "deviceCustomNumber2Label"),   // cn2Label
    (0x6c6562614c327363, "deviceCustomString2Label"),   // cs2Label
    (0x6c6562614c336e63, "deviceCustomNumber3Label"),   // cn3Label
    (0x6c6562614c337363, "deviceCustomString3Label"),   // cs3Label
    (0x6c6562614c347363, "deviceCustomString4Label"),   // cs4Label
    (0x6c6562614c357363, "deviceCustomString5Label"),   // cs5Label
    (0x6c6562614c367363, "deviceCustomString6Label"),   // cs6Label
];

/// How a custom field's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CustomKind {
    Text,
    Integer,
    Float,
    Time,
}

/// The custom fields that take a label (`cs1Label=Policy cs1=Block`), by full name: the value's
/// key, the label's key and how the value reads.
pub(crate) const CUSTOM_FIELDS: [(&str, &str, CustomKind); 24] = [
    ("deviceCustomString1", "deviceCustomString1Label", CustomKind::Text),
    ("deviceCustomString2", "deviceCustomString2Label", CustomKind::Text),
    ("deviceCustomString3", "deviceCustomString3Label", CustomKind::Text),
    ("deviceCustomString4", "deviceCustomString4Label", CustomKind::Text),
    ("deviceCustomString5", "deviceCustomString5Label", CustomKind::Text),
    ("deviceCustomString6", "deviceCustomString6Label", CustomKind::Text),
    ("deviceCustomNumber1", "deviceCustomNumber1Label", CustomKind::Integer),
    ("deviceCustomNumber2", "deviceCustomNumber2Label", CustomKind::Integer),
    ("deviceCustomNumber3", "deviceCustomNumber3Label", CustomKind::Integer),
    (
        "deviceCustomFloatingPoint1",
        "deviceCustomFloatingPoint1Label",
        CustomKind::Float,
    ),
    (
        "deviceCustomFloatingPoint2",
        "deviceCustomFloatingPoint2Label",
        CustomKind::Float,
    ),
    (
        "deviceCustomFloatingPoint3",
        "deviceCustomFloatingPoint3Label",
        CustomKind::Float,
    ),
    (
        "deviceCustomFloatingPoint4",
        "deviceCustomFloatingPoint4Label",
        CustomKind::Float,
    ),
    (
        "deviceCustomIPv6Address1",
        "deviceCustomIPv6Address1Label",
        CustomKind::Text,
    ),
    (
        "deviceCustomIPv6Address2",
        "deviceCustomIPv6Address2Label",
        CustomKind::Text,
    ),
    (
        "deviceCustomIPv6Address3",
        "deviceCustomIPv6Address3Label",
        CustomKind::Text,
    ),
    (
        "deviceCustomIPv6Address4",
        "deviceCustomIPv6Address4Label",
        CustomKind::Text,
    ),
    ("deviceFlexNumber1", "deviceFlexNumber1Label", CustomKind::Integer),
    ("deviceFlexNumber2", "deviceFlexNumber2Label", CustomKind::Integer),
    ("flexString1", "flexString1Label", CustomKind::Text),
    ("flexString2", "flexString2Label", CustomKind::Text),
    ("flexDate1", "flexDate1Label", CustomKind::Time),
    ("deviceCustomDate1", "deviceCustomDate1Label", CustomKind::Time),
    ("deviceCustomDate2", "deviceCustomDate2Label", CustomKind::Time),
];

/// A label as a key of `cef.labels`: trimmed, with `.` as `_` (the host nests dotted keys, and a
/// label `a` beside a label `a.b` would be a conflict that rejects the event). Empty: none.
pub(crate) fn label_key(label: &str) -> Option<String> {
    let label = label.trim();
    (!label.is_empty()).then(|| label.replace('.', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_packed_and_sorted() {
        for pair in SHORT_NAMES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?}", pair);
        }
        for (short, full) in [
            ("src", "sourceAddress"),
            ("act", "deviceAction"),
            ("cs6Label", "deviceCustomString6Label"),
        ] {
            assert_eq!(
                pack(short)
                    .and_then(|p| SHORT_NAMES.iter().find(|(q, _)| *q == p))
                    .map(|(_, f)| *f),
                Some(full)
            );
            assert_eq!(full_name(short), full);
        }
        for (key, full) in [
            ("c6a4Label", "deviceCustomIPv6Address4Label"),
            ("flexNumber1", "deviceFlexNumber1"),
            ("sourceAddress", "sourceAddress"),
            ("FTNTFGTlogid", "FTNTFGTlogid"),
            ("x", "x"),
            ("", ""),
            ("sr", "sr"),
        ] {
            assert_eq!(full_name(key), full, "{key}");
        }
    }
}
