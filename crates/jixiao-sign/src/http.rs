//! Fetching over HTTP for timestamps, OCSP and CRLs: a small synchronous client (`ureq`,
//! built without TLS). Government intranets run their TSAs and OCSP responders over plain
//! HTTP, as RFC 3161 §3.4 and RFC 6960 appendix A describe; an `https://` URL is refused
//! with a message that says so (the data is signed, so HTTP does not weaken it).

use std::time::Duration;

use jixiao_core::text;
use jixiao_core::words::Text;

/// The longest a request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest body accepted (a CRL of a big CA can be several megabytes).
const MAX_BODY: u64 = 32 << 20;

/// POSTs `body` as `content_type` to `url` and returns the response body; a status other
/// than 200, a wrong content type (when `expect` is given) or a network failure is an error
/// naming the URL.
pub(crate) fn post(
    url: &str,
    content_type: &str,
    body: &[u8],
    expect: &str,
) -> Result<Vec<u8>, Text> {
    check_url(url)?;
    let response = agent()
        .post(url)
        .header("Content-Type", content_type)
        .send(body)
        .map_err(|e| failed(url, &e))?;
    read(url, response, Some(expect))
}

/// GETs `url` and returns the body.
pub(crate) fn get(url: &str) -> Result<Vec<u8>, Text> {
    check_url(url)?;
    let response = agent().get(url).call().map_err(|e| failed(url, &e))?;
    read(url, response, None)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("jixiao/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn check_url(url: &str) -> Result<(), Text> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") {
        return Ok(());
    }
    if lower.starts_with("https://") {
        return Err(text!(
            "{url}：jixiao 只用 HTTP 访问时间戳、OCSP 与 CRL 服务（数据本身有签名，不需要 TLS），请给出 http:// 地址",
            "{url}: jixiao reaches timestamp, OCSP and CRL services over plain HTTP only (the data is signed; TLS adds nothing): give an http:// URL"
        ));
    }
    Err(text!(
        "{url} 不是 http:// 地址",
        "{url} is not an http:// URL"
    ))
}

fn failed(url: &str, e: &ureq::Error) -> Text {
    text!("无法访问 {url}：{e}", "cannot reach {url}: {e}")
}

fn read(
    url: &str,
    mut response: ureq::http::Response<ureq::Body>,
    expect: Option<&str>,
) -> Result<Vec<u8>, Text> {
    let status = response.status().as_u16();
    if status != 200 {
        return Err(text!(
            "{url} 答复 HTTP {status}",
            "{url} answered HTTP {status}"
        ));
    }
    if let Some(expect) = expect {
        let got = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !got.starts_with(expect) {
            return Err(text!(
                "{url} 答复的内容类型是 {got:?}，不是 {expect}",
                "{url} answered with content type {got:?}, not {expect}"
            ));
        }
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(|e| {
            text!(
                "读取 {url} 的答复失败：{e}",
                "cannot read the answer of {url}: {e}"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_used_and_https_is_refused_with_a_reason() {
        assert!(check_url("http://127.0.0.1:8080/tsa").is_ok());
        assert!(check_url("HTTP://tsa.example/").is_ok());
        let https = check_url("https://tsa.example/").expect_err("refused");
        assert!(https.en.contains("plain HTTP"), "{https:?}");
        assert!(check_url("ftp://x/").is_err());
    }
}
