//! The three JSON shapes of a Windows event read into one [`Record`]: Winlogbeat's (`winlog.*`),
//! NXLog `im_msvistalog`'s (flat keys: `EventID`, `Channel`, `TargetUserName`…) and the event
//! XML rendered as JSON by collectors of forwarded events (`Event.System`, `Event.EventData.Data`
//! as `{"@Name", "#text"}` pairs).

use edge_format_sdk::{Map, Value};

/// A Windows event, whatever shape it came in. Values are text, as the event log stores them.
#[derive(Debug, Default)]
pub struct Record {
    pub event_id: String,
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub computer: Option<String>,
    pub record_id: Option<String>,
    pub time: Option<String>,
    pub message: Option<String>,
    pub level: Option<String>,
    pub task: Option<String>,
    pub opcode: Option<String>,
    pub keywords: Vec<String>,
    pub pid: Option<String>,
    pub thread: Option<String>,
    pub user_sid: Option<String>,
    pub event_data: Vec<(String, String)>,
    pub user_data: Vec<(String, String)>,
}

impl Record {
    /// A value of `EventData`, else of `UserData`; `-` and empty are absent.
    pub fn data(&self, name: &str) -> Option<&str> {
        self.event_data
            .iter()
            .chain(&self.user_data)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty() && *v != "-")
    }
}

/// A JSON scalar as text; objects and arrays are not.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `doc["a"]["b"]`, or a dotted key `doc["a.b"]` (Winlogbeat output already flattened).
fn path<'a>(doc: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    if let Some(v) = doc.get(dotted) {
        return Some(v);
    }
    let (head, rest) = dotted.split_once('.')?;
    path(doc.get(head)?.as_object()?, rest)
}

fn path_text(doc: &Map<String, Value>, dotted: &str) -> Option<String> {
    path(doc, dotted).and_then(text).filter(|s| !s.is_empty())
}

/// Scalar members of an object as pairs (nested values are left out).
fn pairs(object: Option<&Value>) -> Vec<(String, String)> {
    object
        .and_then(Value::as_object)
        .map(|o| o.iter().filter_map(|(k, v)| text(v).map(|t| (k.clone(), t))).collect())
        .unwrap_or_default()
}

/// Reads a document, or says why it is not a Windows event.
pub fn read(doc: &Map<String, Value>) -> Result<Record, String> {
    if path(doc, "winlog.event_id").is_some() {
        return Ok(winlogbeat(doc));
    }
    if let Some(event) = doc.get("Event").and_then(Value::as_object) {
        return xml(event).ok_or_else(|| "not a Windows event: Event.System.EventID missing".into());
    }
    if doc.contains_key("EventID") && (doc.contains_key("Channel") || doc.contains_key("SourceName")) {
        return Ok(nxlog(doc));
    }
    Err("not a Windows event: no winlog.event_id, EventID with Channel/SourceName, or Event.System".into())
}

fn winlogbeat(doc: &Map<String, Value>) -> Record {
    let get = |key: &str| path_text(doc, key);
    let keywords = path(doc, "winlog.keywords")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(text).collect())
        .unwrap_or_default();
    Record {
        event_id: get("winlog.event_id").unwrap_or_default(),
        channel: get("winlog.channel"),
        provider: get("winlog.provider_name"),
        computer: get("winlog.computer_name").or_else(|| get("host.name")),
        record_id: get("winlog.record_id"),
        time: get("@timestamp"),
        message: get("message"),
        level: get("log.level"),
        task: get("winlog.task"),
        opcode: get("winlog.opcode"),
        keywords,
        pid: get("winlog.process.pid"),
        thread: get("winlog.process.thread.id"),
        user_sid: get("winlog.user.identifier"),
        event_data: pairs(path(doc, "winlog.event_data")),
        user_data: pairs(path(doc, "winlog.user_data")),
    }
}

/// NXLog's own keys; every other top-level key is the event's data.
const NXLOG_KEYS: &[&str] = &[
    "EventTime",
    "Hostname",
    "Keywords",
    "EventType",
    "SeverityValue",
    "Severity",
    "EventID",
    "SourceName",
    "ProviderGuid",
    "Version",
    "Task",
    "OpcodeValue",
    "RecordNumber",
    "ActivityID",
    "RelatedActivityID",
    "ExecutionProcessID",
    "ExecutionThreadID",
    "Channel",
    "Message",
    "Category",
    "Opcode",
    "EventReceivedTime",
    "SourceModuleName",
    "SourceModuleType",
    "Level",
    "UserID",
    "AccountName",
    "AccountType",
    "Domain",
    "Qualifiers",
];

fn nxlog(doc: &Map<String, Value>) -> Record {
    let get = |key: &str| doc.get(key).and_then(text).filter(|s| !s.is_empty());
    let keywords = match (get("EventType").as_deref(), get("Keywords")) {
        (Some("AUDIT_SUCCESS"), _) => vec!["Audit Success".to_owned()],
        (Some("AUDIT_FAILURE"), _) => vec!["Audit Failure".to_owned()],
        _ => Vec::new(),
    };
    let event_data = doc
        .iter()
        .filter(|(k, _)| !NXLOG_KEYS.contains(&k.as_str()))
        .filter_map(|(k, v)| text(v).map(|t| (k.clone(), t)))
        .collect();
    Record {
        event_id: get("EventID").unwrap_or_default(),
        channel: get("Channel"),
        provider: get("SourceName"),
        computer: get("Hostname"),
        record_id: get("RecordNumber"),
        time: get("EventTime"),
        message: get("Message"),
        level: get("Severity").map(|s| s.to_ascii_lowercase()),
        task: get("Category"),
        opcode: get("Opcode"),
        keywords,
        pid: get("ExecutionProcessID"),
        thread: get("ExecutionThreadID"),
        user_sid: get("UserID"),
        event_data,
        user_data: Vec::new(),
    }
}

/// `{"#text": "4624"}` or `"4624"` or `4624`.
fn xml_text(value: &Value) -> Option<String> {
    match value {
        Value::Object(o) => o.get("#text").and_then(text),
        other => text(other),
    }
}

fn attribute(system: &Map<String, Value>, element: &str, name: &str) -> Option<String> {
    system
        .get(element)?
        .as_object()?
        .get(name)
        .and_then(text)
        .filter(|s| !s.is_empty())
}

fn xml(event: &Map<String, Value>) -> Option<Record> {
    let system = event.get("System")?.as_object()?;
    let get = |key: &str| system.get(key).and_then(xml_text).filter(|s| !s.is_empty());
    let data = event.get("EventData").and_then(|d| d.get("Data"));
    let items: Vec<&Value> = match data {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
        None => Vec::new(),
    };
    let mut event_data = Vec::new();
    for (n, item) in items.into_iter().enumerate() {
        match item {
            Value::Object(o) => {
                let value = o.get("#text").and_then(text).unwrap_or_default();
                let name = o
                    .get("@Name")
                    .and_then(text)
                    .unwrap_or_else(|| format!("param{}", n + 1));
                event_data.push((name, value));
            }
            // Classic providers write unnamed `<Data>` elements.
            other => {
                if let Some(value) = text(other) {
                    event_data.push((format!("param{}", n + 1), value));
                }
            }
        }
    }
    // `UserData` holds one provider-named element (`LogFileCleared`) with the values.
    let user_data = event
        .get("UserData")
        .and_then(Value::as_object)
        .and_then(|o| o.values().next())
        .map(|v| pairs(Some(v)))
        .unwrap_or_default();
    Some(Record {
        keywords: get("Keywords").map(|k| audit_keywords(&k)).unwrap_or_default(),
        event_id: get("EventID")?,
        channel: get("Channel"),
        provider: attribute(system, "Provider", "@Name"),
        computer: get("Computer"),
        record_id: get("EventRecordID"),
        time: attribute(system, "TimeCreated", "@SystemTime"),
        message: event
            .get("RenderingInfo")
            .and_then(|r| r.get("Message"))
            .and_then(xml_text),
        level: None,
        task: get("Task"),
        opcode: get("Opcode"),
        pid: attribute(system, "Execution", "@ProcessID"),
        thread: attribute(system, "Execution", "@ThreadID"),
        user_sid: attribute(system, "Security", "@UserID"),
        event_data,
        user_data,
    })
}

/// The audit keywords of the XML's hex mask (`0x8020000000000000`), named as Winlogbeat names them.
fn audit_keywords(mask: &str) -> Vec<String> {
    let Some(bits) = mask
        .strip_prefix("0x")
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    if bits & 0x0020_0000_0000_0000 != 0 {
        names.push("Audit Success".to_owned());
    }
    if bits & 0x0010_0000_0000_0000 != 0 {
        names.push("Audit Failure".to_owned());
    }
    names
}
