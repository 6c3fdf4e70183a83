//! `commune serve`: the HTTP and streaming API, from outside, against the real binary.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Csv, commune, scenario};
use serde_json::{Value, json};

/// A `commune serve` process on a free port, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_commune"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("commune serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("an address in {line:?}"))
            .to_owned();
        Server { child, addr }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).expect("the server accepts");
        s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
        s
    }

    /// Sends a request and returns the status and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = self.connect();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("a response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, body)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, "")
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let (status, text) = self.request("POST", path, &body.to_string());
        assert_eq!(status, 200, "{path} {body}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    fn state(&self) -> Value {
        let (status, text) = self.get("/api/state");
        assert_eq!(status, 200);
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// A Server-Sent Events connection, read event by event.
struct Stream {
    reader: BufReader<TcpStream>,
}

impl Stream {
    fn open(server: &Server) -> Stream {
        let mut s = server.connect();
        write!(
            s,
            "GET /api/stream HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
        }
        Stream { reader }
    }

    /// The next event (name, data), skipping keep-alive comments. Chunk-size lines of the
    /// chunked encoding are told apart from event lines by their shape.
    fn next(&mut self) -> (String, Value) {
        let mut event = String::new();
        let mut data = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).unwrap();
            assert!(n > 0, "the stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
            } else if line.is_empty() && !data.is_empty() {
                return (event, serde_json::from_str(&data).unwrap());
            }
        }
    }

    /// Reads events until one named `name`.
    fn until(&mut self, name: &str) -> Value {
        loop {
            let (event, data) = self.next();
            if event == name {
                return data;
            }
        }
    }
}

fn village() -> String {
    scenario("village").display().to_string()
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let server = Server::start(&[&village()]);
    let (status, html) = server.get("/");
    assert_eq!(status, 200);
    assert!(html.contains("<script src=\"/app.js\">"));
    for (path, needle) in [("/app.js", "EventSource"), ("/style.css", "--bg")] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(needle), "{path}");
    }
    // Nothing is fetched from elsewhere: no external address in any asset.
    for (name, text) in commune::serve::ASSETS {
        assert!(!text.contains("https://"), "{name} refers to the internet");
    }
}

#[test]
fn commands_step_the_simulation_and_the_state_tells() {
    let server = Server::start(&[&village()]);
    let state = server.state();
    assert_eq!(state["tick"], 0);
    assert_eq!(state["lanes"][0]["name"], "village");
    assert!(state["levers"].as_array().unwrap().len() > 3);
    assert_eq!(server.post("/api/step", json!({}))["tick"], 1);
    assert_eq!(server.post("/api/step", json!({ "days": 9 }))["tick"], 10);
    let state = server.state();
    assert_eq!(state["tick"], 10);
    let rows = state["lanes"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(
        rows[9][0].as_f64(),
        Some(9.0),
        "each row starts with its day"
    );
    assert_eq!(
        server.post("/api/speed", json!({ "days_per_second": 50 }))["speed"],
        50
    );
    server.post("/api/play", json!({}));
    assert_eq!(server.state()["playing"], true);
    server.post("/api/pause", json!({}));
    assert_eq!(server.state()["playing"], false);

    // Reset with a seed starts again from day 0 and says so.
    server.post("/api/reset", json!({ "seed": 77 }));
    let state = server.state();
    assert_eq!(state["tick"], 0);
    assert_eq!(state["lanes"][0]["seed"], 77);
    assert_eq!(state["lanes"][0]["rows"].as_array().unwrap().len(), 0);
    assert!(
        state["feed"][0]["text"]
            .as_str()
            .unwrap()
            .contains("seed 77")
    );
}

#[test]
fn malformed_requests_get_a_4xx_with_a_message_and_change_nothing() {
    let server = Server::start(&[&village()]);
    server.post("/api/step", json!({ "days": 2 }));
    let bad: &[(&str, &str, &str, u16, &str)] = &[
        ("POST", "/api/lever", "", 400, "needs a JSON body"),
        ("POST", "/api/lever", "{not json", 400, "bad JSON body"),
        (
            "POST",
            "/api/lever",
            r#"{"path": "food.kitchen_share"}"#,
            400,
            "missing field `value`",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "food.kitchen_share", "value": 1.5}"#,
            400,
            "must be between 0 and 1",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "food.kitchen_share", "value": "lots"}"#,
            400,
            "takes a number",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "energy.allow_fossil", "value": 1}"#,
            400,
            "takes true or false",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "population.communities", "value": 9}"#,
            400,
            "is not a lever",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "../../etc/passwd", "value": true}"#,
            400,
            "is not a lever",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"lane": "c", "path": "energy.allow_fossil", "value": true}"#,
            400,
            "lane must be",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"lane": "b", "path": "energy.allow_fossil", "value": true}"#,
            404,
            "no lane b",
        ),
        (
            "POST",
            "/api/lever",
            r#"{"path": "energy.allow_fossil", "value": true, "extra": 1}"#,
            400,
            "unknown field",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "drought", "yield_factor": 1.5, "days": 9}"#,
            400,
            "not between 0 and 1",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "drought", "yield_factor": 0.5}"#,
            400,
            "needs `days`",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "meteor"}"#,
            400,
            "unknown kind",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "influx", "community": 99, "persons": 5}"#,
            400,
            "is not a community",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "influx", "community": 0, "persons": 0}"#,
            400,
            "not between 1 and 100000",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "set", "path": "food.garden_share", "value": 1}"#,
            400,
            "through /api/lever",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "illness_wave", "share": 0.1, "day": 3}"#,
            400,
            "takes no `day`",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "illness_wave", "share": 0.1, "colour": 1}"#,
            400,
            "unknown key",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "illness_wave", "share": [1]}"#,
            400,
            "must be a number",
        ),
        (
            "POST",
            "/api/event",
            r#"{"share": 0.1}"#,
            400,
            "needs `kind`",
        ),
        ("POST", "/api/event", r#"[1, 2]"#, 400, "bad JSON body"),
        ("POST", "/api/step", r#"{"days": -1}"#, 400, "bad JSON body"),
        ("POST", "/api/step", r#"{"days": 0}"#, 400, "can step 1 to"),
        (
            "POST",
            "/api/step",
            r#"{"days": 99999999}"#,
            400,
            "can step 1 to",
        ),
        (
            "POST",
            "/api/speed",
            r#"{"days_per_second": 0}"#,
            400,
            "speed must be",
        ),
        (
            "POST",
            "/api/speed",
            r#"{"days_per_second": 1e9}"#,
            400,
            "bad JSON body",
        ),
        (
            "POST",
            "/api/reset",
            r#"{"seed": "x"}"#,
            400,
            "bad JSON body",
        ),
        (
            "POST",
            "/api/compare",
            r#"{"mode": "maybe"}"#,
            400,
            "mode must be",
        ),
        ("GET", "/api/scenario.toml?lane=b", "", 404, "no lane b"),
        ("GET", "/api/metrics.csv?lane=zz", "", 400, "lane must be"),
        (
            "GET",
            "/api/metrics.csv?lane=a&x=1",
            "",
            400,
            "unknown field",
        ),
        ("GET", "/api/play", "", 405, "does not take this method"),
        ("GET", "/nowhere", "", 404, "no such page"),
        ("GET", "/../../etc/passwd", "", 404, "no such page"),
    ];
    for (method, path, body, status, message) in bad {
        let (got, text) = server.request(method, path, body);
        assert_eq!(got, *status, "{method} {path} {body}: {text}");
        let error: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}"));
        let error = error["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(message),
            "{method} {path} {body}: {error:?} should say {message:?}"
        );
    }
    // A request that is not HTTP at all is dropped without harm.
    let mut s = server.connect();
    s.write_all(b"\x00\x01garbage\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    // The session is as it was: two days, no changes, and it still runs.
    let state = server.state();
    assert_eq!(state["tick"], 2);
    assert_eq!(state["lanes"][0]["changes"], json!([]));
    assert_eq!(server.post("/api/step", json!({}))["tick"], 3);
}

#[test]
fn the_stream_sends_the_state_then_the_days_levers_and_feed() {
    let server = Server::start(&[&village()]);
    let mut stream = Stream::open(&server);
    let (event, state) = stream.next();
    assert_eq!(event, "state");
    assert_eq!(state["tick"], 0);
    server.post("/api/step", json!({ "days": 3 }));
    let mut days = Vec::new();
    let mut map = Value::Null;
    while days.len() < 3 || map.is_null() {
        let ticks = stream.until("ticks");
        for row in ticks["lanes"][0]["rows"].as_array().unwrap() {
            days.push(row[0].as_f64().unwrap() as u64);
        }
        if !ticks["lanes"][0]["communities"].is_null() {
            map = ticks["lanes"][0]["communities"].clone();
        }
    }
    assert_eq!(days, [0, 1, 2]);
    // The map's figures of the last day: one community in the village.
    assert_eq!(map["need_satisfaction"].as_array().unwrap().len(), 1);
    server.post(
        "/api/lever",
        json!({ "path": "energy.allow_fossil", "value": true }),
    );
    let feed = stream.until("feed");
    assert_eq!(feed["tick"], 3);
    assert_eq!(feed["kind"], "lever");
    assert!(
        feed["text"]
            .as_str()
            .unwrap()
            .contains("energy.allow_fossil")
    );
    let lever = stream.until("lever");
    assert_eq!(
        lever,
        json!({ "lane": "a", "path": "energy.allow_fossil", "value": true, "day": 3 })
    );
    // A second watcher joining now gets everything so far.
    let mut late = Stream::open(&server);
    let (event, state) = late.next();
    assert_eq!(event, "state");
    assert_eq!(state["tick"], 3);
    assert_eq!(state["lanes"][0]["values"]["energy.allow_fossil"], true);
}

#[test]
fn watchers_that_never_read_do_not_stall_the_simulation() {
    let server = Server::start(&[&village()]);
    // Three tabs that connect and then read nothing at all.
    let idle: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut s = server.connect();
            write!(s, "GET /api/stream HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
            s
        })
        .collect();
    let mut reading = Stream::open(&server);
    server.post("/api/speed", json!({ "days_per_second": 1000 }));
    server.post("/api/play", json!({}));
    // The simulation goes on, and a reading client keeps hearing of it. (The wait is a bound for
    // slow machines, not a measure of speed.)
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut last = 0;
    while last < 1500 {
        assert!(Instant::now() < deadline, "stalled at day {last}");
        let (event, data) = reading.next();
        if event == "ticks" {
            last = data["tick"].as_u64().unwrap();
        }
    }
    server.post("/api/pause", json!({}));
    assert!(server.state()["tick"].as_u64().unwrap() >= 1500);
    drop(idle);
    // Vanished clients leave the server working.
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn side_by_side_runs_two_lanes_in_step_with_their_own_levers() {
    let server = Server::start(&[&village()]);
    server.post("/api/compare", json!({ "mode": "copy" }));
    server.post("/api/step", json!({ "days": 5 }));
    server.post(
        "/api/lever",
        json!({ "lane": "b", "path": "food.kitchen_share", "value": 0.5 }),
    );
    server.post("/api/step", json!({ "days": 5 }));
    let state = server.state();
    let lanes = state["lanes"].as_array().unwrap();
    assert_eq!(lanes.len(), 2);
    assert_eq!(lanes[0]["seed"], lanes[1]["seed"], "common random numbers");
    for lane in lanes {
        assert_eq!(lane["rows"].as_array().unwrap().len(), 10);
    }
    // Same seed, same days before the change; the lever moved B only.
    assert_eq!(lanes[0]["rows"][4], lanes[1]["rows"][4]);
    assert_ne!(lanes[0]["rows"][9], lanes[1]["rows"][9]);
    assert_eq!(lanes[0]["changes"], json!([]));
    assert_eq!(lanes[1]["values"]["food.kitchen_share"], 0.5);
    let (_, a) = server.get("/api/scenario.toml?lane=a");
    let (_, b) = server.get("/api/scenario.toml?lane=b");
    assert!(!a.contains("food.kitchen_share\""));
    assert!(b.contains("path = \"food.kitchen_share\""));
    server.post("/api/compare", json!({ "mode": "off" }));
    assert_eq!(server.state()["lanes"].as_array().unwrap().len(), 1);
    assert_eq!(server.get("/api/scenario.toml?lane=b").0, 404);
}

#[test]
fn a_second_scenario_file_runs_beside_the_first_with_its_seed() {
    let server = Server::start(&[
        &village(),
        "--compare",
        &scenario("gardens-off").display().to_string(),
    ]);
    let state = server.state();
    let lanes = state["lanes"].as_array().unwrap();
    assert_eq!(lanes.len(), 2);
    assert_eq!(lanes[1]["name"], "gardens-off");
    assert_eq!(lanes[0]["seed"], lanes[1]["seed"]);
}

#[test]
fn the_downloaded_scenario_replays_the_live_session_exactly() {
    let server = Server::start(&[&village()]);
    server.post("/api/step", json!({ "days": 40 }));
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.55 }),
    );
    server.post(
        "/api/lever",
        json!({ "path": "energy.allow_fossil", "value": true }),
    );
    server.post("/api/step", json!({ "days": 25 }));
    server.post(
        "/api/lever",
        json!({ "path": "food.household_waste_share", "value": 0.3 }),
    );
    server.post(
        "/api/lever",
        json!({ "path": "labour.undesirable_policy", "value": "rota" }),
    );
    server.post(
        "/api/event",
        json!({ "kind": "illness_wave", "share": 0.3 }),
    );
    server.post(
        "/api/event",
        json!({ "kind": "influx", "community": 0, "persons": 25 }),
    );
    server.post("/api/step", json!({ "days": 10 }));
    server.post(
        "/api/event",
        json!({ "kind": "drought", "yield_factor": 0.4, "days": 200 }),
    );
    server.post("/api/step", json!({ "days": 25 }));
    let (status, toml) = server.get("/api/scenario.toml?lane=a");
    assert!(toml.contains("kind = \"drought\""), "{toml}");
    assert_eq!(status, 200);
    let (status, live) = server.get("/api/metrics.csv?lane=a");
    assert_eq!(status, 200);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.toml");
    std::fs::write(&file, &toml).unwrap();
    let out = dir.path().join("replay");
    let run = commune(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert!(run.status.success(), "{}", common::stderr(&run));
    let replayed = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert_eq!(Csv::read(&out.join("metrics.csv")).rows.len(), 100);
    assert!(live == replayed, "the replay differs from the live session");

    // And the levers mattered: the scenario without them runs differently.
    let plain = dir.path().join("plain");
    let run = commune(&[
        "run",
        &village(),
        "--ticks",
        "100",
        "--out",
        plain.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert!(run.status.success());
    assert_ne!(
        std::fs::read_to_string(plain.join("metrics.csv")).unwrap(),
        live
    );
}
