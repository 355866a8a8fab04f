use super::*;
use crate::json;

fn run(ua: &str) -> Value {
    let mut fields = Fields::new();
    insert_fields(ua, &mut fields);
    Value::Object(fields)
}

#[test]
fn the_embedded_rules_compile() {
    let extractor = extractor().expect("regexes.json compiles");
    // uap-core 0.18.0: every parser of the file is there.
    assert!(RULES.matches("\"regex\"").count() > 1000);
    assert!(extractor.ua.extract("curl/8.5.0").is_some());
}

#[test]
fn browsers_systems_and_devices() {
    assert_eq!(
        run("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
        json!({"user_agent.name": "Chrome", "user_agent.version": "120.0.0.0", "user_agent.os.name": "Windows",
               "user_agent.os.version": "10", "user_agent.os.full": "Windows 10", "user_agent.device.name": "Other"})
    );
    assert_eq!(
        run("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"),
        json!({"user_agent.name": "Mobile Safari", "user_agent.version": "17.1", "user_agent.os.name": "iOS",
               "user_agent.os.version": "17.1", "user_agent.os.full": "iOS 17.1", "user_agent.device.name": "iPhone"})
    );
    assert_eq!(
        run("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"),
        json!({"user_agent.name": "Chrome Mobile", "user_agent.version": "120.0.6099.144", "user_agent.os.name": "Android",
               "user_agent.os.version": "14", "user_agent.os.full": "Android 14", "user_agent.device.name": "Samsung SM-S918B"})
    );
    assert_eq!(
        run("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"),
        json!({"user_agent.name": "Safari", "user_agent.version": "17.1", "user_agent.os.name": "Mac OS X",
               "user_agent.os.version": "10.15.7", "user_agent.os.full": "Mac OS X 10.15.7", "user_agent.device.name": "Mac"})
    );
}

#[test]
fn bots_tools_and_unknown_agents() {
    assert_eq!(
        run("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        json!({"user_agent.name": "Googlebot", "user_agent.version": "2.1", "user_agent.device.name": "Spider"})
    );
    assert_eq!(
        run("curl/8.5.0"),
        json!({"user_agent.name": "curl", "user_agent.version": "8.5.0", "user_agent.device.name": "Other"})
    );
    assert_eq!(
        run("python-requests/2.31.0"),
        json!({"user_agent.name": "Python Requests", "user_agent.version": "2.31", "user_agent.device.name": "Other"})
    );
    assert_eq!(
        run("my-tool"),
        json!({"user_agent.name": "Other", "user_agent.device.name": "Other"})
    );
}

#[test]
fn the_cache_gives_what_a_parse_gives_and_stays_bounded() {
    let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    let fresh = parse(ua).expect("rules compile");
    assert_eq!(*parse_cached(ua).expect("rules compile"), fresh);
    assert_eq!(*parse_cached(ua).expect("rules compile"), fresh);
    for i in 0..CACHE_ENTRIES + 10 {
        parse_cached(&format!("tool/{i}")).expect("rules compile");
    }
    assert!(CACHE.with_borrow(|cache| cache.len()) <= CACHE_ENTRIES);
    assert_eq!(*parse_cached(ua).expect("rules compile"), fresh);
}
