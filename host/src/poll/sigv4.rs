//! AWS Signature Version 4 (the "Authorization header" form), written from AWS's description of
//! the algorithm: it is small, and the AWS SDK's signer would bring the whole SDK's runtime.
//! Checked against AWS's published example request (tests below).

use hmac::{Hmac, Mac};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// What signing needs besides the request.
pub struct Signer<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
}

impl Signer<'_> {
    /// Adds `x-amz-date` (and `x-amz-security-token`, and for S3 `x-amz-content-sha256`),
    /// then `authorization`, to `headers`. `host` is the request's `Host` value.
    pub fn sign(
        &self,
        method: &str,
        uri: &hyper::Uri,
        host: &str,
        headers: &mut HeaderMap,
        body: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), String> {
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let date = &amz_date[..8];
        let payload_hash = hex::encode(Sha256::digest(body));
        let set = |headers: &mut HeaderMap, name: &'static str, value: &str| -> Result<(), String> {
            let v = HeaderValue::from_str(value).map_err(|_| format!("{name}: not a header value"))?;
            headers.insert(HeaderName::from_static(name), v);
            Ok(())
        };
        set(headers, "x-amz-date", &amz_date)?;
        if let Some(token) = self.session_token {
            set(headers, "x-amz-security-token", token)?;
        }
        if self.service == "s3" {
            set(headers, "x-amz-content-sha256", &payload_hash)?;
        }
        // Signed: host, content-type, and every x-amz-* header.
        let mut signed: Vec<(String, String)> = vec![("host".into(), host.trim().to_string())];
        for (name, value) in headers.iter() {
            let n = name.as_str();
            if n == "content-type" || n.starts_with("x-amz-") {
                let v = value.to_str().map_err(|_| format!("{n}: not text"))?;
                signed.push((n.to_string(), collapse(v)));
            }
        }
        signed.sort();
        let canonical_headers: String = signed.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
        let signed_names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
        let signed_names = signed_names.join(";");
        let path = if uri.path().is_empty() { "/" } else { uri.path() };
        // S3 paths are encoded once (as sent); other services' twice.
        let canonical_path = if self.service == "s3" {
            path.to_string()
        } else {
            path.split('/').map(|s| encode(s, false)).collect::<Vec<_>>().join("/")
        };
        let canonical_request = format!(
            "{method}\n{canonical_path}\n{}\n{canonical_headers}\n{signed_names}\n{payload_hash}",
            canonical_query(uri.query().unwrap_or(""))
        );
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let mut key = hmac(format!("AWS4{}", self.secret_access_key).as_bytes(), date.as_bytes());
        for part in [self.region, self.service, "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let signature = hex::encode(hmac(&key, string_to_sign.as_bytes()));
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_names}, Signature={signature}",
            self.access_key_id
        );
        let v = HeaderValue::from_str(&authorization).map_err(|_| "authorization: not a header value".to_string())?;
        headers.insert(hyper::header::AUTHORIZATION, v);
        Ok(())
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn collapse(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// AWS's URI encoding: unreserved characters as they are, everything else `%XX` (uppercase);
/// `/` too unless `keep_slash`.
fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (encode(&decode(k), false), encode(&decode(v), false))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's worked example of Signature Version 4 (IAM `ListUsers`, 2015-08-30T12:36:00Z).
    #[test]
    fn the_published_example_signs_the_same() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        let uri: hyper::Uri = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"
            .parse()
            .expect("test value");
        let now = chrono::DateTime::parse_from_rfc3339("2015-08-30T12:36:00Z")
            .expect("test value")
            .to_utc();
        Signer {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: None,
            region: "us-east-1",
            service: "iam",
        }
        .sign("GET", &uri, "iam.amazonaws.com", &mut headers, b"", now)
        .expect("test value");
        assert_eq!(
            headers["authorization"].to_str().expect("test value"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn queries_are_sorted_and_encoded() {
        assert_eq!(canonical_query("b=2&a=x y&a=1"), "a=1&a=x%20y&b=2");
        assert_eq!(canonical_query("prefix=a%2Fb"), "prefix=a%2Fb");
        assert_eq!(encode("a b/ü", true), "a%20b/%C3%BC");
    }
}
