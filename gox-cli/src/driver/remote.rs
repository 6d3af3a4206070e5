//! The shared (remote) build cache: the HTTP layout of Bazel's remote
//! cache, which bazel-remote and any WebDAV server that accepts PUT
//! (nginx's dav module, Apache mod_dav) serve unchanged:
//!
//! * `<url>/cas/<sha256>`: a content-addressed blob, here a whole cache
//!   entry (fingerprint, diagnostics, export data); its name is the SHA-256
//!   of its bytes, checked on every read.
//! * `<url>/ac/<key>`: an action entry: for a package's cache key, the hex
//!   SHA-256 of the blob holding its result.
//!
//! Reads: `GET ac/<key>`, then `GET cas/<sha>`. Writes (unless read-only):
//! `HEAD cas/<sha>`, `PUT cas/<sha>` when missing, then `PUT ac/<key>`, so
//! that a reader never finds an action entry without its blob. Writes run
//! on background threads and never delay a result.
//!
//! Nothing the server says is trusted: a blob whose hash differs, an action
//! entry that is not a hash, a failing status are misses (noted for
//! `--timings`). The first time the server cannot be reached or does not
//! answer within the timeout, the run goes on without it and says so once.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// How to reach the remote cache.
#[derive(Clone)]
pub struct RemoteConfig {
    /// Base URL, without a trailing slash.
    pub url: String,
    /// Pull only: never PUT (developers who take what CI pushed).
    pub read_only: bool,
    pub auth: Auth,
    /// How long one request may take, connecting included.
    pub timeout: Duration,
}

/// Credentials, from the environment; never printed.
#[derive(Clone)]
pub enum Auth {
    None,
    Bearer(String),
    Basic { user: String, password: Option<String> },
}

impl RemoteConfig {
    /// `GOXREMOTECACHE` (or `flag`), `GOXREMOTECACHE_READONLY=1`,
    /// `GOXREMOTECACHE_TOKEN` (bearer) or `GOXREMOTECACHE_BASIC`
    /// (`user:password`), `GOXREMOTECACHE_TIMEOUT` (seconds, default 5).
    /// `Ok(None)` when no remote cache is configured.
    pub fn from_env(flag: Option<&str>) -> Result<Option<RemoteConfig>, String> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let Some(url) = flag.map(str::to_string).or_else(|| env("GOXREMOTECACHE")) else { return Ok(None) };
        if url == "off" {
            return Ok(None);
        }
        let parsed = reqwest::Url::parse(&url).map_err(|e| format!("GOXREMOTECACHE: invalid URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("GOXREMOTECACHE: unsupported scheme {}: (http or https)", parsed.scheme()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("GOXREMOTECACHE: put credentials in GOXREMOTECACHE_TOKEN or GOXREMOTECACHE_BASIC, not in the URL".to_string());
        }
        let auth = match (env("GOXREMOTECACHE_TOKEN"), env("GOXREMOTECACHE_BASIC")) {
            (Some(token), _) => Auth::Bearer(token),
            (None, Some(basic)) => match basic.split_once(':') {
                Some((user, password)) => Auth::Basic { user: user.to_string(), password: Some(password.to_string()) },
                None => Auth::Basic { user: basic, password: None },
            },
            (None, None) => Auth::None,
        };
        let timeout = match env("GOXREMOTECACHE_TIMEOUT") {
            Some(t) => Duration::from_secs_f64(
                t.parse::<f64>().ok().filter(|s| *s > 0.0 && *s < 3600.0).ok_or_else(|| format!("GOXREMOTECACHE_TIMEOUT: not a number of seconds: {t}"))?,
            ),
            None => Duration::from_secs(5),
        };
        Ok(Some(RemoteConfig {
            url: url.trim_end_matches('/').to_string(),
            read_only: env("GOXREMOTECACHE_READONLY").is_some_and(|v| v != "0"),
            auth,
            timeout,
        }))
    }
}

/// What the remote cache did in one run (`--timings`).
#[derive(Default, Debug, Clone)]
pub struct RemoteStats {
    pub hits: u64,
    pub misses: u64,
    /// Responses that were not what they claimed (bad hash, bad entry).
    pub rejected: u64,
    pub pushed: u64,
    pub bytes_down: u64,
    pub bytes_up: u64,
    /// Time spent waiting for the server on the checking threads.
    pub network: Duration,
    /// Why the remote was given up, if it was.
    pub disabled: Option<String>,
}

/// A remote cache for one run: its state is shared with the threads that
/// push results in the background.
pub struct Remote {
    shared: Arc<Shared>,
    pushes: Mutex<Option<Sender<(String, Vec<u8>)>>>,
    pushers: Mutex<Vec<JoinHandle<()>>>,
}

struct Shared {
    config: RemoteConfig,
    client: reqwest::blocking::Client,
    disabled: AtomicBool,
    why_disabled: Mutex<Option<String>>,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
    pushed: AtomicU64,
    bytes_down: AtomicU64,
    bytes_up: AtomicU64,
    network_nanos: AtomicU64,
}

/// Background threads pushing results.
const PUSHERS: usize = 4;

impl Remote {
    pub fn new(config: RemoteConfig) -> Result<Remote, String> {
        Ok(Remote { shared: Arc::new(Shared::new(config)?), pushes: Mutex::new(None), pushers: Mutex::new(Vec::new()) })
    }

    /// The blob stored for `key`, verified against the hash the action
    /// entry names; `None` for a miss or anything untrustworthy.
    pub fn fetch(&self, key: &str) -> Option<Vec<u8>> {
        self.shared.fetch(key)
    }

    /// A blob that passed the hash check but not the entry's own checks.
    pub fn reject(&self) {
        self.shared.rejected.fetch_add(1, Ordering::Relaxed);
        self.shared.hits.fetch_sub(1, Ordering::Relaxed);
    }

    /// Queues `blob` as the result of `key`, pushed in the background
    /// (nothing in read-only mode).
    pub fn push(&self, key: String, blob: Vec<u8>) {
        if self.shared.config.read_only || !self.shared.is_up() {
            return;
        }
        let mut pushes = self.pushes.lock().unwrap_or_else(|e| e.into_inner());
        if pushes.is_none() {
            let (tx, rx) = channel::<(String, Vec<u8>)>();
            let rx = Arc::new(Mutex::new(rx));
            let mut pushers = self.pushers.lock().unwrap_or_else(|e| e.into_inner());
            for _ in 0..PUSHERS {
                let (rx, shared) = (rx.clone(), self.shared.clone());
                pushers.push(std::thread::spawn(move || loop {
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((key, blob)) = next else { break };
                    shared.upload(&key, &blob);
                }));
            }
            *pushes = Some(tx);
        }
        if let Some(tx) = pushes.as_ref() {
            let _ = tx.send((key, blob));
        }
    }

    /// Waits for the queued pushes (each request bounded by the timeout).
    pub fn finish(&self) {
        drop(self.pushes.lock().unwrap_or_else(|e| e.into_inner()).take());
        let pushers = std::mem::take(&mut *self.pushers.lock().unwrap_or_else(|e| e.into_inner()));
        for p in pushers {
            let _ = p.join();
        }
    }

    pub fn stats(&self) -> RemoteStats {
        let s = &self.shared;
        RemoteStats {
            hits: s.hits.load(Ordering::Relaxed),
            misses: s.misses.load(Ordering::Relaxed),
            rejected: s.rejected.load(Ordering::Relaxed),
            pushed: s.pushed.load(Ordering::Relaxed),
            bytes_down: s.bytes_down.load(Ordering::Relaxed),
            bytes_up: s.bytes_up.load(Ordering::Relaxed),
            network: Duration::from_nanos(s.network_nanos.load(Ordering::Relaxed)),
            disabled: s.why_disabled.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Shared {
    fn new(config: RemoteConfig) -> Result<Shared, String> {
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(config.timeout)
            .timeout(config.timeout)
            .build()
            .map_err(|e| format!("remote cache: {e}"))?;
        Ok(Shared {
            config,
            client,
            disabled: AtomicBool::new(false),
            why_disabled: Mutex::new(None),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            pushed: AtomicU64::new(0),
            bytes_down: AtomicU64::new(0),
            bytes_up: AtomicU64::new(0),
            network_nanos: AtomicU64::new(0),
        })
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::blocking::RequestBuilder {
        let builder = self.client.request(method, url);
        match &self.config.auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Basic { user, password } => builder.basic_auth(user, password.as_deref()),
        }
    }

    /// Gives the server up for the rest of the run (said once, on stderr).
    fn give_up(&self, why: String) {
        if !self.disabled.swap(true, Ordering::SeqCst) {
            eprintln!("gox: remote cache {} unavailable ({why}); going on without it", self.config.url);
            *self.why_disabled.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        }
    }

    fn is_up(&self) -> bool {
        !self.disabled.load(Ordering::SeqCst)
    }

    /// A transport error or a server error gives the remote up; a 404 is a
    /// miss; anything else is a rejected answer.
    fn get(&self, url: &str) -> Option<Vec<u8>> {
        if !self.is_up() {
            return None;
        }
        let started = Instant::now();
        let result = self.request(reqwest::Method::GET, url).send().and_then(|r| {
            let status = r.status();
            r.bytes().map(|b| (status, b))
        });
        self.network_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        match result {
            Ok((status, body)) if status.is_success() => {
                self.bytes_down.fetch_add(body.len() as u64, Ordering::Relaxed);
                Some(body.to_vec())
            }
            Ok((status, _)) if status == reqwest::StatusCode::NOT_FOUND => None,
            Ok((status, _)) if status.is_server_error() || status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN => {
                self.give_up(format!("HTTP {status}"));
                None
            }
            Ok(_) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(err) => {
                self.give_up(transport_error(err));
                None
            }
        }
    }

    /// The blob stored for `key`, verified against the hash the action
    /// entry names; `None` for a miss or anything untrustworthy.
    fn fetch(&self, key: &str) -> Option<Vec<u8>> {
        if !self.is_up() {
            return None;
        }
        let Some(action) = self.get(&format!("{}/ac/{key}", self.config.url)) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let sha = std::str::from_utf8(&action).ok().map(str::trim).filter(|s| is_sha256_hex(s));
        let Some(sha) = sha else {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let blob = self.get(&format!("{}/cas/{sha}", self.config.url));
        match blob {
            Some(blob) if hex::encode(Sha256::digest(&blob)) == sha => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(blob)
            }
            Some(_) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                None
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    fn upload(&self, key: &str, blob: &[u8]) {
        if !self.is_up() {
            return;
        }
        let sha = hex::encode(Sha256::digest(blob));
        let cas = format!("{}/cas/{sha}", self.config.url);
        let present = self.request(reqwest::Method::HEAD, &cas).send().map(|r| r.status().is_success());
        let ok = match present {
            Ok(true) => true,
            Ok(false) => self.put(&cas, blob.to_vec()),
            Err(err) => {
                self.give_up(transport_error(err));
                false
            }
        };
        if ok && self.put(&format!("{}/ac/{key}", self.config.url), sha.into_bytes()) {
            self.pushed.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn put(&self, url: &str, body: Vec<u8>) -> bool {
        let len = body.len() as u64;
        match self.request(reqwest::Method::PUT, url).body(body).send() {
            Ok(r) if r.status().is_success() => {
                self.bytes_up.fetch_add(len, Ordering::Relaxed);
                true
            }
            Ok(r) => {
                self.give_up(format!("PUT answered HTTP {}", r.status()));
                false
            }
            Err(err) => {
                self.give_up(transport_error(err));
                false
            }
        }
    }

}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A transport error without the URL (which could carry what the user
/// did not mean to print).
fn transport_error(err: reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".to_string()
    } else if err.is_connect() {
        "cannot connect".to_string()
    } else {
        err.without_url().to_string()
    }
}
