//! The HTTP API and the page: routes, request checks, the event stream.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::stream::Stream;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::{broadcast, oneshot};

use super::session::{self, Command, Message, Refusal, Reply, Shared, lock};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub commands: mpsc::Sender<Command>,
    pub shared: Arc<Mutex<Shared>>,
    pub out: broadcast::Sender<Arc<Message>>,
    pub guard: Arc<Guard>,
}

/// Largest request body taken (bytes): a command is a line of JSON.
pub const MAX_BODY: usize = 16 * 1024;
/// Longest wait for a request's body once its head has arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Most keys an event request may carry (the longest event has six).
const MAX_EVENT_KEYS: usize = 16;
/// The header that carries the presenter's token.
pub const TOKEN_HEADER: &str = "x-commune-token";
/// The header that carries a student's token (a classroom).
pub const STUDENT_HEADER: &str = "x-commune-student";
/// Commands a student may send in a classroom, without the presenter's token.
const STUDENT_PATHS: &[&str] = &["/api/join", "/api/vote", "/api/volunteer"];

/// Wrong join codes one client may send within [`JOIN_WINDOW`]; after that its joins get 429
/// until the oldest of them is older than the window.
pub const JOIN_FAILURES: usize = 5;
pub const JOIN_WINDOW: Duration = Duration::from_secs(60);
/// Most clients whose wrong join codes are remembered at once.
const JOIN_CLIENTS: usize = 10_000;

/// The address of the client a request came from (put on each request by the server loop;
/// `None` where the server was not told).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Peer(pub Option<IpAddr>);

/// Each client's wrong join codes of the last [`JOIN_WINDOW`], to slow down guessing.
#[derive(Debug, Default)]
pub struct JoinThrottle {
    failures: Mutex<std::collections::HashMap<Peer, Vec<std::time::Instant>>>,
}

impl JoinThrottle {
    /// How long `peer` must wait before trying a join code again at `now` (`None`: it may now).
    pub fn wait(&self, peer: Peer, now: std::time::Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let recent: Vec<_> = failures
            .get(&peer)?
            .iter()
            .filter(|t| now.duration_since(**t) < JOIN_WINDOW)
            .collect();
        (recent.len() >= JOIN_FAILURES).then(|| {
            let oldest = **recent.iter().min().expect("at least one");
            JOIN_WINDOW.saturating_sub(now.duration_since(oldest))
        })
    }

    /// Remembers a wrong join code from `peer` at `now`.
    pub fn failed(&self, peer: Peer, now: std::time::Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= JOIN_CLIENTS && !failures.contains_key(&peer) {
            failures.retain(|_, times| {
                times.retain(|t| now.duration_since(*t) < JOIN_WINDOW);
                !times.is_empty()
            });
        }
        let times = failures.entry(peer).or_default();
        times.retain(|t| now.duration_since(*t) < JOIN_WINDOW);
        times.push(now);
    }
}

/// Who may talk to the server, and who may change the session.
///
/// Every request must name the server by the address it listens on (an IP address, or
/// `localhost` for a loopback or any-address server) and its port: a page that reached the server
/// through another name (DNS rebinding) is refused. A request that changes anything (not GET) must
/// also come from the server's own page or from no page at all (its `Origin`, if any, is the
/// server's), be JSON (`Content-Type: application/json`, which a cross-site form cannot send) and
/// carry the presenter's token.
#[derive(Debug)]
pub struct Guard {
    /// The address listened on (`0.0.0.0` or `::` for every interface).
    pub bound: IpAddr,
    pub port: u16,
    /// The presenter's token, printed in the presenter's address.
    pub token: String,
    /// A classroom's join code, which students type to join (`None`: not a classroom).
    pub join_code: Option<String>,
    /// Wrong join codes, by client.
    pub throttle: JoinThrottle,
    /// The addresses students type, for the presenter's page (a classroom on every interface:
    /// this machine's LAN addresses; empty if unknown).
    pub student_hosts: Vec<String>,
}

impl Guard {
    /// A guard with a fresh token from the operating system's random source (never from the
    /// simulation's seeded generators).
    pub fn new(bound: IpAddr, port: u16) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no random source for the presenter's token: {e}"))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            bound,
            port,
            token,
            join_code: None,
            throttle: JoinThrottle::default(),
            student_hosts: Vec::new(),
        })
    }

    /// The guard of a classroom: a fresh six-digit join code from the operating system's random
    /// source, short enough to read off a projector.
    pub fn classroom(mut self) -> anyhow::Result<Self> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no random source for the join code: {e}"))?;
        self.join_code = Some(format!("{:06}", u64::from_le_bytes(bytes) % 1_000_000));
        Ok(self)
    }

    /// Whether `host` (a `Host` header: a name or address, and a port) names this server.
    pub fn host_ok(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            // `[::1]:8080`, `127.0.0.1:8080`, `localhost:8080`; a bare IPv6 address has no port.
            Some((name, port)) if !name.contains(':') || name.ends_with(']') => {
                (name.to_owned(), port.parse::<u16>().ok())
            }
            _ => (host.clone(), Some(80)),
        };
        if port != Some(self.port) {
            return false;
        }
        let name = name.trim_start_matches('[').trim_end_matches(']');
        if name == "localhost" {
            return self.bound.is_loopback() || self.bound.is_unspecified();
        }
        match name.parse::<IpAddr>() {
            // An address cannot be rebound to another machine; a name other than `localhost` can.
            Ok(ip) if self.bound.is_unspecified() => !ip.is_unspecified(),
            Ok(ip) if self.bound.is_loopback() => ip.is_loopback(),
            Ok(ip) => ip == self.bound,
            Err(_) => false,
        }
    }

    /// Whether `headers` carry the presenter's token (compared in constant time).
    pub fn is_presenter(&self, headers: &HeaderMap) -> bool {
        headers
            .get(TOKEN_HEADER)
            .is_some_and(|v| same(v.as_bytes(), self.token.as_bytes()))
    }

    /// The names the server answers to, for messages.
    fn names(&self) -> String {
        if self.bound.is_unspecified() {
            format!(
                "an address of this machine or localhost, port {}",
                self.port
            )
        } else if self.bound.is_loopback() {
            format!("{0}:{1} or localhost:{1}", self.bound, self.port)
        } else {
            format!("{}:{}", self.bound, self.port)
        }
    }
}

/// `a == b`, taking as long whatever the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks every request against the [`Guard`], and reads a command's body (within
/// [`MAX_BODY`] and [`BODY_TIMEOUT`]) before any handler sees it.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    match admit(&app.guard, req).await {
        Ok(req) => next.run(req).await,
        Err(refusal) => refusal.into_response(),
    }
}

async fn admit(g: &Guard, mut req: Request) -> Result<Request, ApiError> {
    if req.extensions().get::<Peer>().is_none() {
        req.extensions_mut().insert(Peer(None));
    }
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !g.host_ok(&host) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            format!(
                "this server answers to {}, not to the host `{host}`",
                g.names()
            ),
        ));
    }
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(req);
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        if !origin.eq_ignore_ascii_case(&format!("http://{host}")) {
            return Err(ApiError(
                StatusCode::FORBIDDEN,
                format!(
                    "a command from the page of another site ({origin}) is refused;                      only the dashboard's own page may send commands"
                ),
            ));
        }
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if length.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    // A student's commands (joining, voting) carry the join code or the student's own token,
    // checked by their handlers, never the presenter's; they are JSON like every command.
    let student = g.join_code.is_some() && STUDENT_PATHS.contains(&req.uri().path());
    if !student && headers.get(TOKEN_HEADER).is_none() {
        return Err(ApiError(
            StatusCode::UNAUTHORIZED,
            format!(
                "commands need the presenter's token (the `{TOKEN_HEADER}` header, from the                  presenter's address that `commune serve` prints); this page is read-only"
            ),
        ));
    }
    if !student && !g.is_presenter(headers) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "the presenter's token is wrong; use the presenter's address that `commune serve`              printed"
                .to_owned(),
        ));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "commands are JSON: send `Content-Type: application/json`".to_owned(),
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = tokio::time::timeout(BODY_TIMEOUT, read_body(body))
        .await
        .map_err(|_| {
            ApiError(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request's body did not arrive within {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            )
        })??;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A body of at most [`MAX_BODY`] bytes; 413 as soon as it is longer.
async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request: {e}"),
            )
        })?;
        if buf.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

fn too_large() -> ApiError {
    ApiError(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("a command's body is at most {} kB", MAX_BODY / 1024),
    )
}

/// An error answer: a status and a message, sent as `{"error": message}`.
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, axum::Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError(r.status(), r.body_text())
    }
}

type ApiResult = Result<axum::Json<Value>, ApiError>;

pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
        .route("/style.css", get(style))
        .route("/api/state", get(state))
        .route("/api/role", get(role))
        .route("/api/stream", get(stream))
        .route("/api/play", post(play))
        .route("/api/pause", post(pause))
        .route("/api/step", post(step))
        .route("/api/speed", post(speed))
        .route("/api/reset", post(reset))
        .route("/api/lever", post(lever))
        .route("/api/event", post(event))
        .route("/api/compare", post(compare))
        .route("/api/undo", post(undo))
        .route("/join", get(student_page))
        .route("/student.js", get(student_script))
        .route("/api/join", post(join))
        .route("/api/me", get(me))
        .route("/api/vote", post(vote))
        .route("/api/vote/close", post(close_vote))
        .route("/api/volunteer", post(volunteer))
        .route("/api/scenario.toml", get(scenario_toml))
        .route("/api/metrics.csv", get(metrics_csv))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        format!("no such page: {}", uri.path()),
    )
}

async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} does not take this method (pages are GET, commands POST)",
            uri.path()
        ),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("assets/index.html"),
    )
}

async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    )
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/style.css"))
}

/// Whether the request carries the presenter's token: the page shows controls only if so.
async fn role(State(app): State<App>, headers: HeaderMap) -> axum::Json<Value> {
    let presenter = app.guard.is_presenter(&headers);
    // The join code goes to the presenter's page, to show the class; not to viewers.
    let code = app.guard.join_code.as_ref().filter(|_| presenter);
    let hosts = presenter.then_some(&app.guard.student_hosts);
    axum::Json(json!({ "presenter": presenter, "join_code": code, "student_hosts": hosts }))
}

async fn state(State(app): State<App>) -> Response {
    let msg = session::state_message(&app.shared);
    (
        [(header::CONTENT_TYPE, "application/json")],
        msg.data.clone(),
    )
        .into_response()
}

/// Server-Sent Events: the whole state first, then every message; a client that fell behind
/// gets the whole state again instead of what it missed.
async fn stream(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = futures_util::StreamExt::map(messages(&app), |msg| {
        Ok(Event::default().event(msg.event).data(&msg.data))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// What one client is sent: the state, then the session's messages as they come. When the client
/// has fallen so far behind that messages were dropped for it, the state again. The session
/// never waits for this: it only ever adds to the broadcast channel.
pub fn messages(app: &App) -> impl Stream<Item = Arc<Message>> + use<> {
    // Subscribe before reading the state, so nothing falls between the two; clients skip rows
    // they already have.
    let rx = app.out.subscribe();
    let first = state_message(&app.shared);
    let start = (rx, Some(first), app.shared.clone());
    futures_util::stream::unfold(start, |(mut rx, first, shared)| async move {
        if let Some(msg) = first {
            return Some((msg, (rx, None, shared)));
        }
        let msg = match rx.recv().await {
            Ok(msg) => msg,
            Err(broadcast::error::RecvError::Lagged(_)) => state_message(&shared),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((msg, (rx, None, shared)))
    })
}

fn state_message(shared: &Mutex<Shared>) -> Arc<Message> {
    session::state_message(shared)
}

/// Sends a command to the session thread and waits for its answer.
async fn ask(app: &App, make: impl FnOnce(Reply) -> Command) -> ApiResult {
    let (tx, rx) = oneshot::channel();
    let gone = || {
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "the simulation has stopped".to_owned(),
        )
    };
    app.commands.send(make(tx)).map_err(|_| gone())?;
    match rx.await.map_err(|_| gone())? {
        Ok(v) => Ok(axum::Json(v)),
        Err(Refusal::Bad(m)) => Err(ApiError(StatusCode::BAD_REQUEST, m)),
        Err(Refusal::NotFound(m)) => Err(ApiError(StatusCode::NOT_FOUND, m)),
        Err(Refusal::Busy(m)) => Err(ApiError(StatusCode::CONFLICT, m)),
    }
}

async fn play(State(app): State<App>) -> ApiResult {
    ask(&app, Command::Play).await
}

async fn pause(State(app): State<App>) -> ApiResult {
    ask(&app, Command::Pause).await
}

/// A JSON request body. An empty body stands for `{}` when `example` is `None` (every field
/// optional); otherwise it is refused, with the example in the message.
fn body<T: DeserializeOwned>(bytes: &Bytes, example: Option<&str>) -> Result<T, ApiError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        match example {
            None => b"{}",
            Some(e) => {
                return Err(ApiError(
                    StatusCode::BAD_REQUEST,
                    format!("this command needs a JSON body, like {e}"),
                ));
            }
        }
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        let hint = example.map_or(String::new(), |e| format!(" (expected a body like {e})"));
        ApiError(StatusCode::BAD_REQUEST, format!("bad JSON body: {e}{hint}"))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    #[serde(default = "one")]
    days: u32,
}

fn one() -> u32 {
    1
}

async fn step(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let days = body::<StepBody>(&bytes, None)?.days;
    ask(&app, |r| Command::Step(days, r)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpeedBody {
    days_per_second: u32,
}

async fn speed(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let days = body::<SpeedBody>(&bytes, Some(r#"{"days_per_second": 20}"#))?.days_per_second;
    ask(&app, |r| Command::Speed(days, r)).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    seed: Option<u64>,
}

async fn reset(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let seed = body::<ResetBody>(&bytes, None)?
        .seed
        .unwrap_or_else(fresh_seed);
    ask(&app, |r| Command::Reset(seed, r)).await
}

/// A new seed for "reset with a new seed": from the clock, kept short enough to read out.
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (nanos % 1_000_000) as u64
}

/// A lane named in a request: `a` (the default) or `b`.
fn lane_index(lane: Option<&str>) -> Result<usize, ApiError> {
    match lane.unwrap_or("a") {
        "a" | "A" => Ok(0),
        "b" | "B" => Ok(1),
        other => Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("lane must be `a` or `b`, not `{other}`"),
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeverBody {
    lane: Option<String>,
    path: String,
    value: Value,
}

async fn lever(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let body: LeverBody = body(
        &bytes,
        Some(r#"{"lane": "a", "path": "energy.allow_fossil", "value": true}"#),
    )?;
    let lane = lane_index(body.lane.as_deref())?;
    ask(&app, |r| Command::Lever(lane, body.path, body.value, r)).await
}

async fn event(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let mut fields: serde_json::Map<String, Value> = body(
        &bytes,
        Some(r#"{"lane": "a", "kind": "drought", "yield_factor": 0.5, "days": 90}"#),
    )?;
    if fields.len() > MAX_EVENT_KEYS {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!(
                "an event has at most {MAX_EVENT_KEYS} keys, not {}",
                fields.len()
            ),
        ));
    }
    let lane = match fields.remove("lane") {
        None => 0,
        Some(Value::String(l)) => lane_index(Some(&l))?,
        Some(other) => lane_index(Some(&other.to_string()))?,
    };
    ask(&app, |r| Command::Event(lane, fields, r)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareBody {
    mode: String,
}

async fn compare(State(app): State<App>, bytes: Bytes) -> ApiResult {
    match body::<CompareBody>(&bytes, Some(r#"{"mode": "copy"}"#))?
        .mode
        .as_str()
    {
        "copy" => ask(&app, Command::CompareCopy).await,
        "fork" => ask(&app, Command::CompareFork).await,
        "off" => ask(&app, Command::CompareOff).await,
        other => Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("mode must be `fork`, `copy` or `off`, not `{other}`"),
        )),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UndoBody {
    lane: Option<String>,
}

/// Takes back the lane's last lever change: the lever gets its earlier value from the next day
/// (a new change, logged; the session's history stays whole).
async fn undo(State(app): State<App>, bytes: Bytes) -> ApiResult {
    let lane = lane_index(body::<UndoBody>(&bytes, None)?.lane.as_deref())?;
    ask(&app, |r| Command::Undo(lane, r)).await
}

async fn student_page() -> Response {
    asset("text/html; charset=utf-8", super::STUDENT_HTML)
}

async fn student_script() -> Response {
    asset("text/javascript; charset=utf-8", super::STUDENT_JS)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    code: String,
}

/// A student joins the classroom with its join code, and gets their own token (from the
/// operating system's random source), which their requests carry in `X-Commune-Student`. A
/// client that sent [`JOIN_FAILURES`] wrong codes within [`JOIN_WINDOW`] gets 429, with
/// `Retry-After`, whatever it sends, until the oldest of them is older than the window.
async fn join(
    State(app): State<App>,
    axum::Extension(peer): axum::Extension<Peer>,
    bytes: Bytes,
) -> Response {
    let now = std::time::Instant::now();
    if app.guard.join_code.is_some()
        && let Some(wait) = app.guard.throttle.wait(peer, now)
    {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, secs.to_string())],
            axum::Json(json!({
                "error": format!(
                    "too many wrong join codes from this device: try again in {secs} s"
                ),
                "retry_after": secs,
            })),
        )
            .into_response();
    }
    match join_with(&app, peer, now, &bytes).await {
        Ok(v) => v.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn join_with(app: &App, peer: Peer, now: std::time::Instant, bytes: &Bytes) -> ApiResult {
    let Some(code) = &app.guard.join_code else {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            "this session is not a classroom (start it with --classroom)".to_owned(),
        ));
    };
    let given = body::<JoinBody>(bytes, Some(r#"{"code": "123456"}"#))?.code;
    if !same(given.trim().as_bytes(), code.as_bytes()) {
        app.guard.throttle.failed(peer, now);
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "that is not the join code; read it off the presenter's screen".to_owned(),
        ));
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("no random source for a student's token: {e}"),
        )
    })?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    ask(app, |r| Command::Join(token, r)).await
}

/// The student whose token `headers` carry: their number (from 1).
fn student_of(app: &App, headers: &HeaderMap) -> Result<usize, ApiError> {
    let given = headers
        .get(STUDENT_HEADER)
        .map(|v| v.as_bytes().to_vec())
        .ok_or_else(|| {
            ApiError(
                StatusCode::UNAUTHORIZED,
                format!("a student's request carries their token (`{STUDENT_HEADER}`); join first"),
            )
        })?;
    let sh = lock(&app.shared);
    sh.classroom
        .as_ref()
        .and_then(|c| {
            c.students
                .iter()
                .position(|s| same(s.token.as_bytes(), &given))
        })
        .map(|i| i + 1)
        .ok_or_else(|| {
            ApiError(
                StatusCode::FORBIDDEN,
                "no student has this token (the server may have restarted): join again".to_owned(),
            )
        })
}

/// What a student sees: who they follow and their hours, what their community received, and
/// their community's vote under way, if any.
async fn me(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let number = student_of(&app, &headers)?;
    let sh = lock(&app.shared);
    let Some(c) = sh.classroom.as_ref() else {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            "not a classroom".to_owned(),
        ));
    };
    let s = &c.students[number - 1];
    let community = sh
        .lanes
        .first()
        .and_then(|l| l.communities.iter().find(|x| x.community == s.community));
    let figures = community.map(|m| {
        json!({
            "persons": m.persons,
            "need_satisfaction": m.need_satisfaction,
            "food_needed_kg": m.food_needed_kg,
            "food_eaten_kg": m.food_eaten_kg,
            "food_received_kg": m.food_received_kg,
            "energy_received_kwh": m.energy_traded_kwh,
            "labour_shortage_hours": m.labour_shortage_hours,
        })
    });
    let vote = c.vote.get("agendas").and_then(|a| {
        a.as_array()?
            .iter()
            .find(|x| x["community"] == s.community)
            .cloned()
    });
    let mine: Vec<&Value> = c
        .vote
        .get("voted")
        .and_then(Value::as_array)
        .map_or(Vec::new(), |v| {
            v.iter().filter(|x| x[0] == number).collect()
        });
    // Every syndicate, with what it lacked on the last day run (nothing known before the first).
    let short = c.shortage.get(&s.community);
    let sectors: Vec<Value> = crate::model::kernel::params::Sector::all()
        .enumerate()
        .map(|(i, sector)| {
            let lacked = short.and_then(|l| l.get(i)).map_or(0.0, |(_, h)| *h);
            json!({ "sector": sector.name(), "short": (lacked * 10.0).round() / 10.0 })
        })
        .collect();
    Ok(axum::Json(json!({
        "student": number,
        "community": s.community,
        "member": s.member,
        "hours": (f64::from(s.hours) * 100.0).round() / 100.0,
        "offer": s.offer,
        "sectors": sectors,
        "max_hours": crate::model::labour::outside::MAX_HOURS,
        "max_days": crate::model::labour::outside::MAX_DAYS,
        "tick": sh.tick,
        "playing": sh.playing,
        "figures": figures,
        "vote": vote.map(|v| json!({
            "day": c.vote["day"],
            "seconds_left": c.deadline.map_or(c.vote["seconds_left"].clone(), |d| {
                json!(d.saturating_duration_since(std::time::Instant::now()).as_secs_f64().ceil())
            }),
            "held": c.vote["held"],
            "items": v["items"],
            "mine": mine.iter().map(|x| json!([x[1], x[2]])).collect::<Vec<_>>(),
        })),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    item: u32,
    yes: bool,
}

/// A student's vote on an item of their community's assembly under way.
async fn vote(State(app): State<App>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    let number = student_of(&app, &headers)?;
    let body = body::<VoteBody>(&bytes, Some(r#"{"item": 0, "yes": true}"#))?;
    ask(&app, |r| Command::Vote(number - 1, body.item, body.yes, r)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VolunteerBody {
    sector: String,
    hours: f64,
    #[serde(default = "one")]
    days: u32,
}

/// A student's offer of hours a day to a syndicate of their community, for some days.
async fn volunteer(State(app): State<App>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    let number = student_of(&app, &headers)?;
    let body = body::<VolunteerBody>(
        &bytes,
        Some(r#"{"sector": "kitchen", "hours": 2, "days": 3}"#),
    )?;
    ask(&app, |r| {
        Command::Volunteer(number - 1, body.sector, body.hours, body.days, r)
    })
    .await
}

/// The presenter closes the vote under way: the assemblies decide with the votes cast so far.
async fn close_vote(State(app): State<App>) -> ApiResult {
    ask(&app, Command::CloseVote).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LaneQuery {
    lane: Option<String>,
}

/// The lane's view, or 404 if the session has no such lane.
fn with_lane<T>(
    app: &App,
    lane: usize,
    f: impl FnOnce(&session::LaneView) -> T,
) -> Result<T, ApiError> {
    let sh = lock(&app.shared);
    sh.lanes.get(lane).map(f).ok_or_else(|| {
        ApiError(
            StatusCode::NOT_FOUND,
            "the session has no lane b now".to_owned(),
        )
    })
}

/// The session as a scenario file that replays it: `commune run` on it gives the same metrics.
async fn scenario_toml(
    State(app): State<App>,
    q: Result<Query<LaneQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let lane = lane_index(q?.0.lane.as_deref())?;
    let (name, text) = with_lane(&app, lane, |l| {
        let s = l.replay_scenario();
        (s.meta.name.clone(), s.to_toml())
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/toml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-session.toml\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// The metrics of the days run, exactly as `commune run` writes `metrics.csv`.
async fn metrics_csv(
    State(app): State<App>,
    q: Result<Query<LaneQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let lane = lane_index(q?.0.lane.as_deref())?;
    let (name, rows) = with_lane(&app, lane, |l| (l.base.meta.name.clone(), l.rows.clone()))?;
    let csv = tokio::task::spawn_blocking(move || super::metrics_csv(&rows))
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-metrics.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_client_that_falls_behind_is_sent_the_whole_state_again() {
        let (out, _) = broadcast::channel(4);
        let (commands, _rx) = mpsc::channel();
        let app = App {
            commands,
            shared: Arc::new(Mutex::new(Shared::default())),
            out: out.clone(),
            guard: Arc::new(Guard::new("127.0.0.1".parse().unwrap(), 8080).unwrap()),
        };
        let mut stream = Box::pin(messages(&app));
        assert_eq!(stream.next().await.unwrap().event, "state");
        for i in 0..10 {
            out.send(Arc::new(Message {
                event: "feed",
                data: i.to_string(),
            }))
            .unwrap();
        }
        // Six messages were lost to this client: it gets the state, then the four kept.
        assert_eq!(stream.next().await.unwrap().event, "state");
        let rest: Vec<String> = stream
            .take(4)
            .map(|m| m.data.clone())
            .collect::<Vec<_>>()
            .await;
        assert_eq!(rest, ["6", "7", "8", "9"]);
    }
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    fn guard(bound: &str) -> Guard {
        Guard::new(bound.parse().unwrap(), 8080).unwrap()
    }

    #[test]
    fn the_server_answers_to_its_own_address_and_port_only() {
        let local = guard("127.0.0.1");
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
        ] {
            assert!(local.host_ok(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1:8081",
            "127.0.0.1",
            "192.168.1.5:8080",
            "localhost.evil.example:8080",
            "",
        ] {
            assert!(!local.host_ok(bad), "{bad}");
        }
        let room = guard("0.0.0.0");
        for ok in ["192.168.1.5:8080", "localhost:8080", "[fe80::1]:8080"] {
            assert!(room.host_ok(ok), "{ok}");
        }
        for bad in ["teacher.example:8080", "0.0.0.0:8080", "192.168.1.5:80"] {
            assert!(!room.host_ok(bad), "{bad}");
        }
        let one = guard("192.168.1.5");
        assert!(one.host_ok("192.168.1.5:8080"));
        assert!(!one.host_ok("localhost:8080"));
    }

    #[test]
    fn wrong_join_codes_are_throttled_per_client_for_a_minute() {
        let throttle = JoinThrottle::default();
        let (a, b) = (
            Peer(Some("192.168.1.20".parse().unwrap())),
            Peer(Some("192.168.1.21".parse().unwrap())),
        );
        let t0 = std::time::Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        for s in 0..JOIN_FAILURES as u64 {
            assert_eq!(throttle.wait(a, at(s)), None, "failure {s}");
            throttle.failed(a, at(s));
        }
        // Five wrong codes in five seconds: a waits until the first is a minute old.
        assert_eq!(throttle.wait(a, at(5)), Some(Duration::from_secs(55)));
        assert_eq!(throttle.wait(a, at(59)), Some(Duration::from_secs(1)));
        assert_eq!(throttle.wait(a, at(60)), None);
        // Another device is not held up.
        assert_eq!(throttle.wait(b, at(5)), None);
        // Failures spread out over more than a minute never add up to five.
        for s in 0..10 {
            throttle.failed(b, at(100 + 20 * s));
            assert_eq!(throttle.wait(b, at(100 + 20 * s)), None);
        }
    }

    #[test]
    fn tokens_are_fresh_and_compared_whole() {
        let (a, b) = (guard("127.0.0.1"), guard("127.0.0.1"));
        assert_eq!(a.token.len(), 32);
        assert_ne!(a.token, b.token, "two servers, two tokens");
        let mut headers = HeaderMap::new();
        assert!(!a.is_presenter(&headers));
        headers.insert(TOKEN_HEADER, a.token[..31].parse().unwrap());
        assert!(!a.is_presenter(&headers));
        headers.insert(TOKEN_HEADER, a.token.parse().unwrap());
        assert!(a.is_presenter(&headers));
        assert!(!b.is_presenter(&headers));
    }
}
