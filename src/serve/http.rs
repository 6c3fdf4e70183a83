//! The HTTP API and the page: routes, request checks, the event stream.

use std::convert::Infallible;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
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
        .route("/api/stream", get(stream))
        .route("/api/play", post(play))
        .route("/api/pause", post(pause))
        .route("/api/step", post(step))
        .route("/api/speed", post(speed))
        .route("/api/reset", post(reset))
        .route("/api/lever", post(lever))
        .route("/api/event", post(event))
        .route("/api/compare", post(compare))
        .route("/api/scenario.toml", get(scenario_toml))
        .route("/api/metrics.csv", get(metrics_csv))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
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

async fn state(State(app): State<App>) -> axum::Json<Value> {
    axum::Json(session::state_json(&lock(&app.shared)))
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
    Arc::new(Message {
        event: "state",
        data: session::state_json(&lock(shared)).to_string(),
    })
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
        "off" => ask(&app, Command::CompareOff).await,
        other => Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("mode must be `copy` or `off`, not `{other}`"),
        )),
    }
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
