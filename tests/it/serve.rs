//! `commune serve`: the HTTP and streaming API, from outside, against the real binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Csv, commune, scenario};
use serde_json::{Value, json};

/// A `commune serve` process on a free port, killed when dropped.
struct Server {
    child: Child,
    client: Client,
    /// A classroom's join code, from the lines the server prints.
    join_code: Option<String>,
}

/// What talks to a server: its address and the presenter's token, read from the presenter's
/// address the server prints.
#[derive(Clone)]
struct Client {
    addr: String,
    token: String,
}

impl std::ops::Deref for Server {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
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
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        // A classroom prints a third line: where students join, and the code.
        let mut join_code = None;
        if args.contains(&"--classroom") {
            let mut more = String::new();
            out.read_line(&mut more).unwrap();
            more.clear();
            out.read_line(&mut more).unwrap();
            assert!(more.contains("/join"), "{more}");
            join_code = more.split("code ").nth(1).map(|c| c.trim().to_owned());
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("an address in {line:?}"))
            .to_owned();
        let token = line
            .split("?token=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("a presenter token in {line:?}"))
            .to_owned();
        Server {
            child,
            client: Client { addr, token },
            join_code,
        }
    }
}

impl Client {
    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).expect("the server accepts");
        s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
        s
    }

    /// Sends a request as the presenter's page does (the server's own host, JSON, the token)
    /// and returns the status and the body.
    fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let headers = [
            format!("Host: {}", self.addr),
            "Content-Type: application/json".to_owned(),
            format!("X-Commune-Token: {}", self.token),
        ];
        self.raw(method, path, &headers, body)
    }

    /// Sends a request with exactly `headers` (and its length) and returns the status and the
    /// body.
    fn raw(&self, method: &str, path: &str, headers: &[String], body: &str) -> (u16, String) {
        let mut s = self.connect();
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        for h in headers {
            head.push_str(h);
            head.push_str("\r\n");
        }
        write!(
            s,
            "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        read_response(&mut s)
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

/// Reads a whole response (the server closes the connection after it): status and body.
fn read_response(s: &mut TcpStream) -> (u16, String) {
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
    fn open(server: &Client) -> Stream {
        let mut s = server.connect();
        write!(
            s,
            "GET /api/stream HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            server.addr
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
            "/api/step",
            r#"{"days": 3651}"#,
            400,
            "at most 3650 at once",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "influx", "community": 0, "persons": 1001}"#,
            400,
            "at most 1000 newcomers at once",
        ),
        (
            "POST",
            "/api/event",
            r#"{"kind": "influx", "community": 0, "persons": 999}"#,
            400,
            "more than the 1000 a community may hold",
        ),
        ("POST", "/api/undo", r#"{}"#, 400, "no lever change to undo"),
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
            write!(
                s,
                "GET /api/stream HTTP/1.1\r\nHost: {}\r\n\r\n",
                server.addr
            )
            .unwrap();
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

/// Lines of a metrics CSV (the header first, then one line a day).
fn csv_lines(csv: &str) -> Vec<&str> {
    csv.lines().collect()
}

#[test]
fn side_by_side_forks_the_running_world_and_b_departs_only_after_its_own_change() {
    let server = Server::start(&[&village()]);
    server.post("/api/step", json!({ "days": 30 }));
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.55 }),
    );
    server.post("/api/step", json!({ "days": 20 }));
    let done = server.post("/api/compare", json!({ "mode": "fork" }));
    assert_eq!(done["day"], 50);
    let state = server.state();
    assert_eq!(state["tick"], 50, "forking does not start again");
    let lanes = state["lanes"].as_array().unwrap();
    assert_eq!(lanes.len(), 2);
    assert_eq!(lanes[1]["rows"].as_array().unwrap().len(), 50);
    assert_eq!(lanes[1]["changes"], lanes[0]["changes"]);
    assert_eq!(lanes[1]["values"], lanes[0]["values"]);
    // On the fork day B is A to the bit: every column of every day, at full precision.
    let (_, a) = server.get("/api/metrics.csv?lane=a");
    let (_, b) = server.get("/api/metrics.csv?lane=b");
    assert_eq!(csv_lines(&a).len(), 51);
    assert!(a == b, "the fork differs from lane A on the fork day");
    // With nothing done to either, they stay equal.
    server.post("/api/step", json!({ "days": 10 }));
    let (_, a) = server.get("/api/metrics.csv?lane=a");
    let (_, b) = server.get("/api/metrics.csv?lane=b");
    assert!(a == b, "two equal worlds stepped in step departed");
    // A change to B alone: the days before it stay equal, the days after differ.
    server.post(
        "/api/lever",
        json!({ "lane": "b", "path": "food.household_waste_share", "value": 0.4 }),
    );
    server.post("/api/step", json!({ "days": 15 }));
    let (_, a) = server.get("/api/metrics.csv?lane=a");
    let (_, b) = server.get("/api/metrics.csv?lane=b");
    let (a, b) = (csv_lines(&a), csv_lines(&b));
    assert_eq!(a.len(), 76);
    assert_eq!(a[..=60], b[..=60], "days before B's change");
    assert!(a[61..] != b[61..], "B's change changed nothing");
    // B's scenario file replays B: the file's events, A's change before the fork and B's after.
    let (_, toml) = server.get("/api/scenario.toml?lane=b");
    assert!(toml.contains("food.kitchen_share") && toml.contains("food.household_waste_share"));
    let (_, live) = server.get("/api/metrics.csv?lane=b");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.toml");
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
    assert!(run.status.success(), "{}", crate::common::stderr(&run));
    assert!(std::fs::read_to_string(out.join("metrics.csv")).unwrap() == live);
    // Single run drops B and keeps A going from where it is.
    server.post("/api/compare", json!({ "mode": "off" }));
    let state = server.state();
    assert_eq!(state["tick"], 75);
    assert_eq!(state["lanes"].as_array().unwrap().len(), 1);
    assert_eq!(state["lanes"][0]["rows"].as_array().unwrap().len(), 75);
}

#[test]
fn a_fork_late_in_a_session_is_made_in_turns_and_the_session_answers_meanwhile() {
    let server = Server::start(&[&village()]);
    for _ in 0..3 {
        server.post("/api/step", json!({ "days": 3_650 }));
    }
    let forker = {
        let client = server.client.clone();
        std::thread::spawn(move || client.post("/api/compare", json!({ "mode": "fork" })))
    };
    // Replaying 10,950 days takes seconds; meanwhile commands are answered at once, and a step
    // is refused (the lanes stand still until B is made).
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let (status, text) = server.request("POST", "/api/step", r#"{"days": 1}"#);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("being forked"), "{text}");
    server.post("/api/pause", json!({}));
    assert_eq!(forker.join().unwrap()["day"], 10_950);
    let state = server.state();
    assert_eq!(state["tick"], 10_950);
    let (_, a) = server.get("/api/metrics.csv?lane=a");
    let (_, b) = server.get("/api/metrics.csv?lane=b");
    assert_eq!(csv_lines(&b).len(), 10_951);
    assert!(a == b, "the fork differs from lane A on the fork day");
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
    assert!(run.status.success(), "{}", crate::common::stderr(&run));
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

// ---------------------------------------------------------------- safe by default

#[test]
fn commands_from_other_sites_other_hosts_and_without_the_token_are_refused() {
    let server = Server::start(&[&village()]);
    let host = format!("Host: {}", server.addr);
    let json = "Content-Type: application/json".to_owned();
    let token = format!("X-Commune-Token: {}", server.token);
    let reset = r#"{"seed": 666}"#;
    let cases: &[(&str, Vec<String>, u16, &str)] = &[
        // A page of another site posting a "simple" request (no preflight).
        (
            "cross-site text/plain",
            vec![
                host.clone(),
                "Origin: http://evil.example".to_owned(),
                "Content-Type: text/plain".to_owned(),
            ],
            403,
            "another site",
        ),
        // Even with the token, a page of another origin may not send commands.
        (
            "cross-site with the token",
            vec![
                host.clone(),
                "Origin: http://evil.example".to_owned(),
                json.clone(),
                token.clone(),
            ],
            403,
            "another site",
        ),
        // DNS rebinding: the browser names the attacker's host.
        (
            "foreign Host",
            vec!["Host: evil.example".to_owned(), json.clone(), token.clone()],
            403,
            "not to the host",
        ),
        (
            "foreign Host with our port",
            vec![
                format!(
                    "Host: evil.example:{}",
                    server.addr.split(':').nth(1).unwrap()
                ),
                json.clone(),
                token.clone(),
            ],
            403,
            "not to the host",
        ),
        (
            "no token",
            vec![host.clone(), json.clone()],
            401,
            "presenter's token",
        ),
        (
            "a wrong token",
            vec![
                host.clone(),
                json.clone(),
                "X-Commune-Token: 0123".to_owned(),
            ],
            403,
            "token is wrong",
        ),
        (
            "not JSON",
            vec![
                host.clone(),
                "Content-Type: text/plain".to_owned(),
                token.clone(),
            ],
            415,
            "application/json",
        ),
    ];
    for (what, headers, status, message) in cases {
        let (got, text) = server.raw("POST", "/api/reset", headers, reset);
        assert_eq!(got, *status, "{what}: {text}");
        let error: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}"));
        let error = error["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{what}: {error:?}");
        let (got, _) = server.raw(
            "POST",
            "/api/lever",
            headers,
            r#"{"path": "energy.allow_fossil", "value": true}"#,
        );
        assert_eq!(got, *status, "{what}: lever");
    }
    // A foreign host cannot read either (a rebound page could otherwise read the session).
    let (got, _) = server.raw("GET", "/api/state", &["Host: evil.example".to_owned()], "");
    assert_eq!(got, 403);
    // Nothing changed: the seed and the levers are as loaded.
    let state = server.state();
    assert_ne!(state["lanes"][0]["seed"], 666);
    assert_eq!(state["lanes"][0]["values"]["energy.allow_fossil"], false);
    assert_eq!(state["lanes"][0]["changes"], json!([]));

    // Viewers read everything; the page asks whether it is the presenter's.
    assert_eq!(
        server.raw("GET", "/", std::slice::from_ref(&host), "").0,
        200
    );
    let (_, role) = server.raw("GET", "/api/role", std::slice::from_ref(&host), "");
    assert_eq!(
        serde_json::from_str::<Value>(&role).unwrap()["presenter"],
        false
    );
    let (_, role) = server.raw("GET", "/api/role", &[host.clone(), token.clone()], "");
    assert_eq!(
        serde_json::from_str::<Value>(&role).unwrap()["presenter"],
        true
    );
    // The presenter's page (same origin, JSON, the token) and `localhost` are obeyed.
    let port = server.addr.split(':').nth(1).unwrap();
    let same = vec![
        format!("Host: localhost:{port}"),
        format!("Origin: http://localhost:{port}"),
        json.clone(),
        token.clone(),
    ];
    let (got, text) = server.raw("POST", "/api/reset", &same, reset);
    assert_eq!(got, 200, "{text}");
    assert_eq!(server.state()["lanes"][0]["seed"], 666);
}

#[test]
fn an_oversized_body_gets_413_without_waiting_for_it() {
    let server = Server::start(&[&village()]);
    // Announced as 1.5 MB, and never sent: the answer cannot wait for it (the body timeout is
    // 10 s; the bound here is only a sanity limit).
    let mut s = server.connect();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    write!(
        s,
        "POST /api/event HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         X-Commune-Token: {}\r\nContent-Length: 1570000\r\nConnection: close\r\n\r\n",
        server.addr, server.token
    )
    .unwrap();
    let (status, text) = read_response(&mut s);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("at most 16 kB"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(5));
    // A body that does not say its length is cut off as soon as it is too long.
    let mut s = server.connect();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let chunk = format!(
        "{{\"kind\": \"drought\", \"x\": \"{}\"}}",
        "y".repeat(17_000)
    );
    write!(
        s,
        "POST /api/event HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         X-Commune-Token: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         {:x}\r\n{chunk}\r\n",
        server.addr,
        server.token,
        chunk.len()
    )
    .unwrap();
    let (status, text) = read_response(&mut s);
    assert_eq!(status, 413, "{text}");
    // An event with thousands of keys within the limit is refused before it reaches the
    // simulation.
    let keys: Vec<String> = (0..1000).map(|i| format!("\"k{i}\": 1")).collect();
    let (status, text) = server.request(
        "POST",
        "/api/event",
        &format!("{{\"kind\": \"drought\", {}}}", keys.join(", ")),
    );
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("at most 16 keys"), "{text}");
    assert_eq!(server.post("/api/step", json!({}))["tick"], 1);
}

#[test]
fn a_connection_that_sends_nothing_is_closed() {
    let server = Server::start(&[&village()]);
    let mut s = server.connect();
    // Half a request head, then nothing: the server gives up after its header timeout (10 s).
    write!(s, "GET / HTTP/1.1\r\nHost: {}\r\n", server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut sink = Vec::new();
    // Closed (the end of the stream, or reset), not still open when the read gives up.
    if let Err(e) = s.read_to_end(&mut sink) {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the connection is still open: {e}"
        );
    }
}

#[test]
fn a_pause_stops_a_long_step_within_a_day() {
    let server = Server::start(&[&scenario("region").display().to_string()]);
    let client = server.client.clone();
    let stepping = std::thread::spawn(move || client.post("/api/step", json!({ "days": 3650 })));
    // Wait (a bounded number of times) until the step is under way.
    let mut tick = 0;
    for _ in 0..600 {
        tick = server.state()["tick"].as_u64().unwrap();
        if tick > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(tick > 0, "the step started");
    // Another step meanwhile is told to wait.
    let (status, text) = server.request("POST", "/api/step", r#"{"days": 5}"#);
    assert_eq!(status, 409, "{text}");
    let start = Instant::now();
    let paused = server.post("/api/pause", json!({}));
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "the pause took {took:?} (one day's step is far shorter)"
    );
    let stopped = stepping.join().unwrap();
    let at = stopped["tick"].as_u64().unwrap();
    assert!(at < 3650, "the step stopped early, on day {at}");
    assert_eq!(paused["tick"].as_u64().unwrap(), at);
    // And stays stopped.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.state()["tick"].as_u64().unwrap(), at);
}

#[test]
fn lever_changes_cost_the_same_late_in_a_session_as_early() {
    let server = Server::start(&[&village()]);
    let mut took = Vec::new();
    for i in 0..300 {
        if i % 10 == 0 {
            server.post("/api/step", json!({ "days": 1 }));
        }
        let value = [0.3, 0.5, 0.7][i % 3];
        let start = Instant::now();
        server.post(
            "/api/lever",
            json!({ "path": "food.kitchen_share", "value": value }),
        );
        took.push(start.elapsed());
    }
    let mean = |d: &[Duration]| d.iter().sum::<Duration>() / d.len() as u32;
    let (first, last) = (mean(&took[..10]), mean(&took[290..]));
    // The bound is generous against noise; handling that grew with the session (each change
    // re-read the whole session) took 30 times longer at the end.
    assert!(
        last <= first * 5 + Duration::from_millis(20),
        "the last ten changes took {last:?} each, the first ten {first:?}"
    );
    // Every change is in the session's scenario, and the last is in force.
    let state = server.state();
    assert_eq!(state["lanes"][0]["changes"].as_array().unwrap().len(), 300);
    assert_eq!(state["lanes"][0]["values"]["food.kitchen_share"], 0.7);
    // The last ten take effect from day 30: once it has run, the session's scenario replays all.
    server.post("/api/step", json!({ "days": 1 }));
    let (_, toml) = server.get("/api/scenario.toml?lane=a");
    assert_eq!(toml.matches("path = \"food.kitchen_share\"").count(), 300);
}

#[test]
fn undo_gives_the_last_lever_changed_its_earlier_value() {
    let server = Server::start(&[&village()]);
    server.post("/api/step", json!({ "days": 2 }));
    server.post(
        "/api/lever",
        json!({ "path": "energy.allow_fossil", "value": true }),
    );
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.4 }),
    );
    let before = server.state()["lanes"][0]["values"]["food.kitchen_share"].clone();
    assert_eq!(before, 0.4);
    let undone = server.post("/api/undo", json!({}));
    assert_eq!(undone["path"], "food.kitchen_share");
    let state = server.state();
    let values = &state["lanes"][0]["values"];
    assert_ne!(values["food.kitchen_share"], 0.4);
    assert_eq!(values["energy.allow_fossil"], true);
    // The next undo takes back the change before; then there is nothing left to undo.
    server.post("/api/undo", json!({}));
    assert_eq!(
        server.state()["lanes"][0]["values"]["energy.allow_fossil"],
        false
    );
    let (status, _) = server.request("POST", "/api/undo", "{}");
    assert_eq!(status, 400);
    // Undoing is a change like any other: the session keeps all four, and replays.
    assert_eq!(
        server.state()["lanes"][0]["changes"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn changes_before_the_scenario_files_own_policy_changes_replay_exactly() {
    // The file changes two values on days 30 and 60; the session changes others before, between
    // and after them, and the file's later changes must carry the session's earlier ones.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("planned.toml");
    let mut text = std::fs::read_to_string(scenario("village")).unwrap();
    text.push_str(
        "\n[[events]]\nday = 30\nkind = \"set\"\npath = \"food.household_waste_share\"\nvalue = 0.2\n\
         \n[[events]]\nday = 60\nkind = \"set\"\npath = \"energy.allow_fossil\"\nvalue = true\n",
    );
    std::fs::write(&file, &text).unwrap();
    let server = Server::start(&[file.to_str().unwrap()]);
    server.post("/api/step", json!({ "days": 10 }));
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.4 }),
    );
    server.post("/api/step", json!({ "days": 30 }));
    server.post(
        "/api/lever",
        json!({ "path": "labour.undesirable_policy", "value": "rota" }),
    );
    server.post("/api/step", json!({ "days": 30 }));
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.9 }),
    );
    // In force now: the file's change of day 60 carries the rota chosen on day 40, and the
    // file's own changes.
    let values = server.state()["lanes"][0]["values"].clone();
    assert_eq!(values["labour.undesirable_policy"], "rota");
    assert_eq!(values["food.kitchen_share"], 0.9);
    assert_eq!(values["food.household_waste_share"], 0.2);
    assert_eq!(values["energy.allow_fossil"], true);
    server.post("/api/step", json!({ "days": 20 }));
    let (_, toml) = server.get("/api/scenario.toml?lane=a");
    let (_, live) = server.get("/api/metrics.csv?lane=a");
    let session = dir.path().join("session.toml");
    std::fs::write(&session, &toml).unwrap();
    let out = dir.path().join("replay");
    let run = commune(&[
        "run",
        session.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert!(run.status.success(), "{}", crate::common::stderr(&run));
    let replayed = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(live == replayed, "the replay differs from the live session");
}

/// A lever moved after an assembly's vote leaves the vote standing, and the page shows the
/// policy in force, decisions included.
#[test]
fn a_lever_moved_after_a_vote_leaves_it_standing_and_the_page_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("fossil-allowed"))
        .unwrap()
        .replace("interval_days = 36500", "interval_days = 90");
    let file = dir.path().join("fossil-world.toml");
    std::fs::write(&file, text).unwrap();
    let server = Server::start(&[file.to_str().unwrap()]);
    assert_eq!(
        server.state()["lanes"][0]["values"]["energy.allow_fossil"],
        true
    );
    // The world votes fossil energy out at one of its meetings (on day 360 at this seed, as
    // tests/it/policy.rs shows), and the page's lever follows.
    server.post("/api/step", json!({ "days": 400 }));
    let state = server.state();
    assert_eq!(state["lanes"][0]["values"]["energy.allow_fossil"], false);
    // An unrelated lever leaves the vote standing.
    server.post(
        "/api/lever",
        json!({ "path": "food.kitchen_share", "value": 0.5 }),
    );
    server.post("/api/step", json!({ "days": 30 }));
    let state = server.state();
    assert_eq!(state["lanes"][0]["values"]["energy.allow_fossil"], false);
    assert_eq!(state["lanes"][0]["values"]["food.kitchen_share"], 0.5);
}

#[test]
fn levers_that_cannot_act_in_the_scenario_say_why_and_follow_the_policy_in_force() {
    // One community: food by rail, the regional grid and nuclear plants have nothing to act on,
    // and the incentive's factor does nothing under the village's volunteers.
    let server = Server::start(&[&village()]);
    let state = server.state();
    let idle = &state["lanes"][0]["idle"];
    for path in [
        "rail.freight",
        "energy.regional_grid",
        "energy.allow_nuclear",
        "labour.incentive_factor",
    ] {
        assert!(
            idle[path].is_string(),
            "{path} cannot act in the village: {idle}"
        );
    }
    assert!(
        idle["rail.freight"]
            .as_str()
            .unwrap()
            .contains("one community")
    );
    for path in ["food.kitchen_share", "labour.undesirable_policy"] {
        assert!(idle.get(path).is_none(), "{path} acts in the village");
    }
    // Under the incentive its factor acts; under a rota it does not again, and the page is told.
    let mut stream = Stream::open(&server);
    stream.until("state");
    server.post(
        "/api/lever",
        json!({ "path": "labour.undesirable_policy", "value": "incentive" }),
    );
    let told = stream.until("idle");
    assert_eq!(told["lane"], "a");
    assert!(
        told["idle"].get("labour.incentive_factor").is_none(),
        "{told}"
    );
    assert!(
        server.state()["lanes"][0]["idle"]
            .get("labour.incentive_factor")
            .is_none()
    );
    server.post(
        "/api/lever",
        json!({ "path": "labour.undesirable_policy", "value": "rota" }),
    );
    let told = stream.until("idle");
    assert!(
        told["idle"]["labour.incentive_factor"]
            .as_str()
            .unwrap()
            .contains("rota"),
        "{told}"
    );
    drop(server);

    // Ten communities joined by rail in one region: food by rail and the grid can act.
    let region = scenario("region").display().to_string();
    let server = Server::start(&[&region]);
    let idle = server.state()["lanes"][0]["idle"].clone();
    assert!(idle.get("rail.freight").is_none(), "{idle}");
    assert!(idle.get("energy.regional_grid").is_none(), "{idle}");
}

#[test]
fn the_incentive_factor_greys_out_when_an_assembly_adopts_a_rota() {
    // One community staffing undesirable work by incentive, with assemblies meeting: its
    // assembly adopts a rota within its first year (on day 21 at this seed today; the day is a
    // seed's story, so the test steps a month at a time until it has), and no lever is moved.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("labour-incentive"))
        .unwrap()
        .replace("enabled = false", "enabled = true")
        .replace("communities = 4", "communities = 1")
        .replace("communities_per_region = 4", "communities_per_region = 1")
        .replace("seed = 7", "seed = 1")
        // The day the rota passes was found under the exact solve.
        .replace("planning = \"local\"", "planning = \"perfect\"");
    let file = dir.path().join("incentive-village.toml");
    std::fs::write(&file, text).unwrap();
    let server = Server::start(&[file.to_str().unwrap()]);
    let lane = &server.state()["lanes"][0];
    assert_eq!(lane["values"]["labour.undesirable_policy"], "incentive");
    assert!(
        lane["idle"].get("labour.incentive_factor").is_none(),
        "{lane}"
    );
    let adopted = |state: &Value| {
        state["feed"].as_array().unwrap().iter().any(|f| {
            f["text"]
                .as_str()
                .unwrap()
                .contains("adopt a rota for undesirable work passed")
        })
    };
    let mut state = server.state();
    for _ in 0..12 {
        if adopted(&state) {
            break;
        }
        server.post("/api/step", json!({ "days": 30 }));
        state = server.state();
    }
    assert!(adopted(&state), "the assembly adopted a rota within a year");
    let lane = &state["lanes"][0];
    assert_eq!(lane["values"]["labour.undesirable_policy"], "rota");
    assert_eq!(
        lane["idle"]["labour.incentive_factor"],
        "acts only under the incentive; the policy in force is rota"
    );
}

// ---------------------------------------------------------------- students take part

/// A student's request: the server's host, JSON, and the student's token (if any), never the
/// presenter's.
fn as_student(server: &Client, method: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let mut headers = vec![
        format!("Host: {}", server.addr),
        "Content-Type: application/json".to_owned(),
        format!("Origin: http://{}", server.addr),
    ];
    if !token.is_empty() {
        headers.push(format!("X-Commune-Student: {token}"));
    }
    let (status, text) = server.raw(method, path, &headers, body);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The decisions.csv rows of community 0 on `day`: (proposal, yes, no). The columns are tick,
/// assembly, proposal, yes, no, rounds, passed, reverses.
fn decisions_on(dir: &std::path::Path, day: u32) -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(dir.join("decisions.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "tick,assembly,proposal,yes,no,rounds,passed,reverses"
    );
    lines
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let n = f.len();
            (f[0] == day.to_string() && f[1] == "community 0").then(|| {
                (
                    f[2..n - 5].join(","),
                    f[n - 5].parse().unwrap(),
                    f[n - 4].parse().unwrap(),
                )
            })
        })
        .collect()
}

fn run_to(file: &std::path::Path, out: &std::path::Path) -> String {
    let run = commune(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert!(run.status.success(), "{}", crate::common::stderr(&run));
    std::fs::read_to_string(out.join("metrics.csv")).unwrap()
}

#[test]
fn students_join_vote_in_their_assembly_and_the_session_replays_their_votes() {
    let server = Server::start(&[
        &village(),
        "--classroom",
        "--bind",
        "127.0.0.1",
        "--vote-seconds",
        "600",
    ]);
    let code = server.join_code.clone().expect("a join code is printed");
    assert_eq!(code.len(), 6, "{code}");
    // A wrong code is refused; three students join with the right one.
    let (status, _) = as_student(&server, "POST", "/api/join", "", r#"{"code": "x"}"#);
    assert_eq!(status, 403);
    let mut students = Vec::new();
    for n in 1..=3 {
        let (status, joined) = as_student(
            &server,
            "POST",
            "/api/join",
            "",
            &json!({ "code": code }).to_string(),
        );
        assert_eq!(status, 200, "{joined}");
        assert_eq!(joined["student"], n);
        assert_eq!(joined["community"], 0, "the village has one community");
        students.push(joined["token"].as_str().unwrap().to_owned());
    }
    assert_ne!(students[0], students[1]);
    assert_ne!(students[0], server.token);
    // Students have no presenter powers, with their token or without.
    for path in ["/api/step", "/api/reset", "/api/vote/close", "/api/lever"] {
        let (status, _) = as_student(&server, "POST", path, &students[0], "{}");
        assert_eq!(status, 401, "{path}");
    }
    let (status, _) = as_student(&server, "GET", "/api/me", "not-a-token", "");
    assert_eq!(status, 403);
    let (status, _) = as_student(
        &server,
        "POST",
        "/api/vote",
        &students[0],
        r#"{"item": 0, "yes": true}"#,
    );
    assert_eq!(status, 409, "no assembly is voting yet");

    // The presenter steps; the day the community's assembly takes something up, it waits.
    let stepper = {
        let client = server.client.clone();
        std::thread::spawn(move || client.post("/api/step", json!({ "days": 200 })))
    };
    let started = Instant::now();
    let vote = loop {
        let vote = server.state()["classroom"]["vote"].clone();
        if !vote.is_null() {
            break vote;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no vote opened"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let day = vote["day"].as_u64().unwrap() as u32;
    let items = vote["agendas"][0]["items"].as_array().unwrap().len();
    assert!(items > 0);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        server.state()["tick"],
        day,
        "the day waits for the students"
    );
    let (status, me) = as_student(&server, "GET", "/api/me", &students[0], "");
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["community"], 0);
    assert!(
        me["hours"].is_number() && me["figures"]["persons"].is_number(),
        "{me}"
    );
    assert_eq!(me["vote"]["items"].as_array().unwrap().len(), items);
    // A change now is refused: the day under way has begun.
    let (status, _) = server.request(
        "POST",
        "/api/lever",
        &json!({ "path": "food.kitchen_share", "value": 0.5 }).to_string(),
    );
    assert_eq!(status, 409);
    // Two for and one against on every item; the presenter sees the students' tally.
    for (s, yes) in [(0, true), (1, true), (2, false)] {
        for item in 0..items {
            if s == 2 && item == items - 1 {
                let state = server.state();
                let seen = &state["classroom"]["vote"]["agendas"][0]["items"][item];
                assert_eq!(
                    (seen["yes"].clone(), seen["no"].clone()),
                    (json!(2), json!(0))
                );
            }
            let (status, v) = as_student(
                &server,
                "POST",
                "/api/vote",
                &students[s],
                &json!({ "item": item, "yes": yes }).to_string(),
            );
            assert_eq!(status, 200, "{v}");
        }
    }
    // Everyone has voted: the assemblies decide and the days go on.
    server.post("/api/pause", json!({}));
    stepper.join().unwrap();
    if !server.state()["classroom"]["vote"].is_null() {
        server.post("/api/vote/close", json!({}));
    }
    let state = server.state();
    assert!(state["tick"].as_u64().unwrap() > u64::from(day));
    assert!(
        state["feed"].as_array().unwrap().iter().any(|f| f["text"]
            .as_str()
            .unwrap()
            .contains("students voted 2 for, 1 against")),
        "the feed tells the students' votes"
    );

    // The session's scenario file holds the votes and replays the session byte for byte.
    let (_, toml) = server.get("/api/scenario.toml?lane=a");
    assert_eq!(toml.matches("kind = \"vote\"").count(), 3 * items, "{toml}");
    let (_, live) = server.get("/api/metrics.csv?lane=a");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("class.toml");
    std::fs::write(&file, &toml).unwrap();
    assert!(
        run_to(&file, &dir.path().join("with")) == live,
        "the replay differs"
    );
    // Without the students' votes, the tallies of that day are theirs less: 2 for, 1 against.
    let without: Vec<&str> = toml
        .split("[[events]]")
        .filter(|block| !block.contains("kind = \"vote\""))
        .collect();
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, without.join("[[events]]")).unwrap();
    run_to(&plain, &dir.path().join("without"));
    let with = decisions_on(&dir.path().join("with"), day);
    let without = decisions_on(&dir.path().join("without"), day);
    assert_eq!(with.len(), items);
    assert_eq!(with.len(), without.len());
    for (w, o) in with.iter().zip(&without) {
        assert_eq!(w.0, o.0);
        assert_eq!((w.1, w.2), (o.1 + 2.0, o.2 + 1.0), "{w:?} {o:?}");
    }
}

/// The village with members willing to give about one hour a day: its kitchen is short of
/// hands, so hours volunteered to it are worked.
fn short_village(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(village()).unwrap();
    assert!(text.contains("willing_hours_mean = 4.0"));
    let file = dir.join("short-village.toml");
    std::fs::write(
        &file,
        text.replace("willing_hours_mean = 4.0", "willing_hours_mean = 1.0"),
    )
    .unwrap();
    file.to_str().unwrap().to_owned()
}

#[test]
fn students_volunteer_hours_see_what_was_worked_and_the_session_replays_them() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[
        &short_village(dir.path()),
        "--classroom",
        "--bind",
        "127.0.0.1",
        "--vote-seconds",
        "1",
    ]);
    let code = server.join_code.clone().unwrap();
    let join = json!({ "code": code }).to_string();
    let (status, joined) = as_student(&server, "POST", "/api/join", "", &join);
    assert_eq!(status, 200, "{joined}");
    let token = joined["token"].as_str().unwrap().to_owned();
    let offer =
        |body: Value| as_student(&server, "POST", "/api/volunteer", &token, &body.to_string());
    // Bad offers are refused, naming what is wrong.
    for (body, says) in [
        (
            json!({ "sector": "cooking", "hours": 2 }),
            "`sector`: unknown sector \"cooking\"",
        ),
        (
            json!({ "sector": "kitchen", "hours": 0 }),
            "`hours`: 0 is not more than 0",
        ),
        (
            json!({ "sector": "kitchen", "hours": -1 }),
            "`hours`: -1 is not more than 0",
        ),
        (json!({ "sector": "kitchen", "hours": 9 }), "at most 8"),
        (
            json!({ "sector": "kitchen", "hours": 2, "days": 31 }),
            "`days`: 31 is not between 1 and 30",
        ),
        (
            json!({ "sector": "kitchen", "hours": 2, "days": 0 }),
            "`days`: 0 is not between 1 and 30",
        ),
    ] {
        let (status, answer) = offer(body.clone());
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(says),
            "{body}: {answer}"
        );
    }
    let (status, _) = offer(json!({ "sector": "kitchen", "hours": "two" }));
    assert_eq!(status, 400);
    // Without a student's token: refused.
    let (status, _) = as_student(
        &server,
        "POST",
        "/api/volunteer",
        "",
        r#"{"sector": "kitchen", "hours": 2}"#,
    );
    assert_eq!(status, 401);
    // Two hours a day to the kitchen for five days, from the next day (day 0).
    let (status, answer) = offer(json!({ "sector": "kitchen", "hours": 2, "days": 5 }));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["from"], 0);
    let (status, answer) = offer(json!({ "sector": "agriculture", "hours": 1 }));
    assert_eq!(status, 409, "one offer at a time: {answer}");
    // The presenter sees the offer at once.
    let offers = server.state()["classroom"]["offers"].clone();
    assert_eq!(offers[0]["student"], 1);
    assert_eq!(offers[0]["sector"], "kitchen");
    assert_eq!(offers[0]["days_run"], 0);

    server.post("/api/step", json!({ "days": 12 }));
    // A vote opened on the way closes by itself after a second.
    let started = Instant::now();
    while server.state()["tick"] != 12 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the step ends"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(400));
    let (status, me) = as_student(&server, "GET", "/api/me", &token, "");
    assert_eq!(status, 200, "{me}");
    let mine = &me["offer"];
    assert_eq!(mine["days_run"], 5, "{me}");
    assert_eq!(mine["offered"], 10.0);
    let taken = mine["taken"].as_f64().unwrap();
    assert!(taken > 0.0 && taken <= 10.0, "{me}");
    let sectors = me["sectors"].as_array().unwrap();
    assert_eq!(sectors[1]["sector"], "kitchen", "{me}");
    assert_eq!(me["max_hours"], 8.0);
    assert_eq!(server.state()["classroom"]["offers"][0]["taken"], taken);
    assert!(
        server.state()["feed"].as_array().unwrap().iter().any(|f| f["text"]
            .as_str()
            .unwrap()
            .contains("student 1 offers 2 h a day to the kitchen syndicate of community 0 for 5 days, from day 0")),
        "the feed tells the offer"
    );
    // Once it has run out, the student may offer again.
    let (status, answer) = offer(json!({ "sector": "agriculture", "hours": 1.5, "days": 2 }));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["from"], 12);
    server.post("/api/step", json!({ "days": 3 }));
    let started = Instant::now();
    while server.state()["tick"] != 15 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the step ends"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The session's scenario file holds the offers and replays the session byte for byte.
    let (_, toml) = server.get("/api/scenario.toml?lane=a");
    assert_eq!(toml.matches("kind = \"volunteer\"").count(), 2, "{toml}");
    assert!(toml.contains("sector = \"kitchen\"\nhours = 2.0"), "{toml}");
    let (_, live) = server.get("/api/metrics.csv?lane=a");
    let file = dir.path().join("class.toml");
    std::fs::write(&file, &toml).unwrap();
    assert!(
        run_to(&file, &dir.path().join("with")) == live,
        "the replay differs"
    );
    // Without the offers, the kitchen had fewer hours.
    let plain = dir.path().join("plain.toml");
    let without: Vec<&str> = toml
        .split("[[events]]")
        .filter(|block| !block.contains("kind = \"volunteer\""))
        .collect();
    std::fs::write(&plain, without.join("[[events]]")).unwrap();
    run_to(&plain, &dir.path().join("without"));
    let kitchen = |out: &str| -> f64 {
        Csv::read(&dir.path().join(out).join("metrics.csv")).col("kitchen_hours")[..5]
            .iter()
            .sum()
    };
    assert!(
        kitchen("with") > kitchen("without"),
        "{} vs {}",
        kitchen("with"),
        kitchen("without")
    );
}

#[test]
fn wrong_join_codes_from_one_device_are_throttled() {
    let server = Server::start(&[&village(), "--classroom", "--bind", "127.0.0.1"]);
    let code = server.join_code.clone().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // The whole answer, head included.
    let join = |code: &str| -> String {
        let mut s = server.connect();
        let body = json!({ "code": code }).to_string();
        write!(
            s,
            "POST /api/join HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            server.addr,
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        raw
    };
    for n in 1..=5 {
        let answer = join(wrong);
        assert!(
            answer.starts_with("HTTP/1.1 403"),
            "wrong code {n}: {answer}"
        );
    }
    // The sixth try within the minute is slowed down, whatever the code.
    for code in [wrong, code.as_str()] {
        let answer = join(code);
        assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
        let retry: u64 = answer
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("retry-after: ")
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("a Retry-After header: {answer}"))
            .trim()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(answer.contains("too many wrong join codes"), "{answer}");
    }
    // The presenter's page is not held up.
    assert_eq!(server.get("/api/state").0, 200);
}

#[test]
fn a_plain_session_takes_no_students() {
    let server = Server::start(&[&village()]);
    assert!(server.state()["classroom"].is_null());
    let (status, _) = as_student(&server, "POST", "/api/join", "", r#"{"code": "000000"}"#);
    assert_eq!(
        status, 401,
        "without --classroom, joining is a command like any other"
    );
}

// ---------------------------------------------------------------- load

/// Clients that join at once, late in a session.
const LATE_JOINERS: usize = 200;
/// The bound each late joiner's first message must arrive within. The issue asks for 2 s; this
/// test runs in a debug build beside the rest of the suite on two cores, so it allows five times
/// that (BENCHMARKS.md gives the times measured: 84 ms median and 338 ms slowest in a debug
/// build, beside the other serve tests).
const FIRST_MESSAGE_BOUND: Duration = Duration::from_secs(10);

#[test]
fn two_hundred_clients_joining_at_day_18000_each_get_their_first_message_promptly() {
    let server = Server::start(&[&village()]);
    for days in [3_650, 3_650, 3_650, 3_650, 3_400] {
        server.post("/api/step", json!({ "days": days }));
    }
    assert_eq!(server.state()["tick"], 18_000);
    let start = std::sync::Arc::new(std::sync::Barrier::new(LATE_JOINERS + 1));
    let clients: Vec<_> = (0..LATE_JOINERS)
        .map(|_| {
            let client = server.client.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let t0 = Instant::now();
                // Open the stream and read its first event whole: the state.
                let mut stream = Stream::open(&client);
                let (event, state) = stream.next();
                (
                    t0.elapsed(),
                    event,
                    state["tick"].clone(),
                    state["lanes"][0]["rows"].as_array().map_or(0, Vec::len),
                )
            })
        })
        .collect();
    start.wait();
    let mut times = Vec::new();
    for c in clients {
        let (took, event, tick, rows) = c.join().unwrap();
        assert_eq!(event, "state");
        assert_eq!(tick, 18_000);
        assert!(
            (1_000..=2_001).contains(&rows),
            "a thinned history: {rows} rows"
        );
        times.push(took);
    }
    times.sort();
    let (median, worst) = (times[times.len() / 2], times[times.len() - 1]);
    eprintln!(
        "{LATE_JOINERS} clients joining at day 18,000: first message in {:.0} ms (median), {:.0} ms (slowest)",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
    assert!(worst < FIRST_MESSAGE_BOUND, "the slowest waited {worst:?}");
}
