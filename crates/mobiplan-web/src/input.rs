//! What every request's input must be before any handler reads it, and who is asking from
//! where: control characters, the Host name, the client's address, same-site targets.
//!
//! Control characters other than tab and line breaks have no place in a plan, a name or an
//! e-mail address; PostgreSQL refuses NUL outright (a 500 before this check), and the others
//! end up in exports and logs. They are refused for every field, by name, before any handler
//! runs, so no handler needs to remember it.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, Uri, header};
use serde_json::Value;

/// Whether a character is refused in text input: the C0 and C1 controls and DEL, except tab,
/// line feed and carriage return (browsers send a textarea's line breaks as CR LF).
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub fn has_refused_control(s: &str) -> bool {
    s.chars().any(is_refused_control)
}

/// Text that is not url-encoded `name=value` pairs.
#[derive(Debug, PartialEq, Eq)]
pub struct NotUrlEncoded;

/// The first field of a url-encoded form (or query) whose name or value holds a refused
/// control character.
pub fn bad_form_field(body: &[u8]) -> Result<Option<String>, NotUrlEncoded> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| NotUrlEncoded)?;
    Ok(pairs
        .into_iter()
        .find(|(k, v)| has_refused_control(k) || has_refused_control(v))
        .map(|(k, _)| clean_name(&k)))
}

/// The path (`document.project.title`, `document.activities[0].id`) of the first string in a
/// JSON document, key or value, that holds a refused control character.
pub fn bad_json_field(value: &Value) -> Option<String> {
    fn walk(v: &Value, path: &mut String) -> Option<String> {
        match v {
            Value::String(s) if has_refused_control(s) => Some(path.clone()),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                path.truncate(len);
                found
            }),
            Value::Object(map) => map.iter().find_map(|(k, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&clean_name(k));
                let found = if has_refused_control(k) {
                    Some(path.clone())
                } else {
                    walk(item, path)
                };
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).map(|p| if p.is_empty() { "body".into() } else { p })
}

/// A field name as it may be shown: its refused characters as `\u{…}` escapes.
fn clean_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if is_refused_control(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A same-site target for a redirect (`back`, `next`): a path on this site, with no second
/// slash or backslash at its start (browsers read `//x` and `/\x` as another host) and no
/// control character anywhere (a header cannot carry it). Anything else is `/`.
pub fn local_target(target: Option<&str>) -> String {
    match target {
        Some(t)
            if t.starts_with('/')
                && !t.starts_with("//")
                && !t.contains('\\')
                && !t.chars().any(char::is_control)
                && axum::http::HeaderValue::from_str(t).is_ok() =>
        {
            t.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The names this server answers to: loopback names, the `--listen` address (unless it is
/// every address), and the host of `--public-url`.
#[derive(Clone, Debug)]
pub struct AllowedHosts {
    names: Vec<String>,
}

/// Loopback names: the only ones on which the first-run setup answers.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

impl AllowedHosts {
    pub fn new(listen: SocketAddr, public_url: Option<&url_host::PublicUrl>) -> AllowedHosts {
        let mut names: Vec<String> = LOOPBACK_NAMES.iter().map(|s| (*s).to_owned()).collect();
        if !listen.ip().is_unspecified() {
            names.push(listen.ip().to_string());
        }
        if let Some(p) = public_url {
            names.push(p.host.clone());
        }
        AllowedHosts { names }
    }

    pub fn allows(&self, host: &str) -> bool {
        self.names.iter().any(|n| n == host)
    }
}

/// The host name of a request (its `Host` header, or the URI's authority for HTTP/2), lower
/// case, without the port and the brackets of an IPv6 address.
pub fn request_host(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let raw = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.as_str().to_owned()))?;
    host_name(&raw)
}

/// `Host` header text → name: `[::1]:8080` → `::1`, `Example.LV:80` → `example.lv`.
pub fn host_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let name = if let Some(rest) = raw.strip_prefix('[') {
        rest.split_once(']')?.0
    } else {
        raw.rsplit_once(':').map_or(raw, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                raw
            }
        })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

pub fn is_loopback_name(host: &str) -> bool {
    LOOPBACK_NAMES.contains(&host)
}

/// Who is asking: the socket's peer, or — only when that peer is a proxy the operator named
/// with `--trusted-proxy` — the address that proxy put last in `X-Forwarded-For` (the
/// entries before it are the client's own claims, which anyone can write).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // Walk back through proxies the operator trusts; the first other address is the client.
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .copied()
        .unwrap_or(peer)
}

/// The throttle's key for an address: IPv4 as is, IPv6 by its /64 (one host gets a whole
/// /64, so a single address would be a key an attacker changes at will).
pub fn address_key(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("addr:{v4}"),
            None => {
                let s = v6.segments();
                format!("addr:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// `--public-url`: where people reach this server (behind a proxy, its public name).
pub mod url_host {
    /// A parsed `--public-url` (`https://mobiplan.example.lv`, with an optional port and
    /// path).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PublicUrl {
        pub https: bool,
        pub host: String,
    }

    impl std::str::FromStr for PublicUrl {
        type Err = String;

        fn from_str(s: &str) -> Result<PublicUrl, String> {
            let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
                (true, r)
            } else if let Some(r) = s.strip_prefix("http://") {
                (false, r)
            } else {
                return Err(format!(
                    "'{s}' is not an address starting with https:// or http://"
                ));
            };
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if authority.contains('@') {
                return Err(format!("'{s}' must not contain a user name"));
            }
            let host = super::host_name(authority)
                .filter(|h| {
                    h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
                })
                .ok_or_else(|| format!("'{s}' has no host name"))?;
            Ok(PublicUrl { https, host })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_except_tab_and_line_breaks() {
        assert!(has_refused_control("a\0b"));
        assert!(has_refused_control("\u{1b}[31m"));
        assert!(has_refused_control("\u{7f}"));
        assert!(has_refused_control("\u{85}"));
        assert!(!has_refused_control("Rīga\tline\r\nnext"));
        assert_eq!(
            bad_form_field(b"title=ok&email=x%00%40y.lv").unwrap(),
            Some("email".into())
        );
        assert_eq!(bad_form_field(b"a=1&b=2").unwrap(), None);
        let doc: Value = serde_json::from_str(
            r#"{"version":1,"document":{"project":{"title":"a\u0000"},"activities":[{"id":"x"},{"id":"y\u0007"}]}}"#,
        )
        .unwrap();
        let found = bad_json_field(&doc).unwrap();
        assert!(
            found == "document.project.title" || found == "document.activities[1].id",
            "{found}"
        );
        assert_eq!(bad_json_field(&Value::String("\0".into())).unwrap(), "body");
    }

    #[test]
    fn redirect_targets_stay_on_this_site() {
        assert_eq!(local_target(Some("/projects/x?a=1")), "/projects/x?a=1");
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/a\r\nSet-Cookie: x=1",
            "/a\0",
            "",
        ] {
            assert_eq!(local_target(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_target(None), "/");
    }

    #[test]
    fn host_names_are_compared_without_port_and_case() {
        let public: url_host::PublicUrl = "https://Mobiplan.Example.LV/".parse().unwrap();
        assert_eq!(public.host, "mobiplan.example.lv");
        let hosts = AllowedHosts::new("0.0.0.0:8080".parse().unwrap(), Some(&public));
        assert!(hosts.allows(&host_name("mobiplan.example.lv:443").unwrap()));
        assert!(hosts.allows(&host_name("[::1]:8080").unwrap()));
        assert!(hosts.allows(&host_name("localhost").unwrap()));
        assert!(!hosts.allows(&host_name("rebind.attacker.example").unwrap()));
        assert!(!hosts.allows("0.0.0.0"));
        assert!("ftp://x".parse::<url_host::PublicUrl>().is_err());
        assert!("https://user@x".parse::<url_host::PublicUrl>().is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 5.6.7.8".parse().unwrap());
        assert_eq!(client_address(proxy, &h, &[]), proxy);
        assert_eq!(
            client_address(proxy, &h, &[proxy]),
            "5.6.7.8".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            address_key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "addr:2001:db8:1:2::/64"
        );
        assert_eq!(
            address_key("::ffff:1.2.3.4".parse().unwrap()),
            "addr:1.2.3.4"
        );
    }
}
