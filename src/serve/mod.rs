//! `commune serve`: the live teaching dashboard, an edge module like the command line.
//!
//! One thread owns the simulations ([`session`]) and steps them; a small axum server on tokio
//! ([`http`]) serves the page (embedded in the binary: [`ASSETS`]) and a Server-Sent Events stream,
//! and forwards commands (play, step, levers...) to the session thread over a channel. The core
//! knows nothing of this: levers go through the scenario layer and `Simulation::set`.
//!
//! The server writes no files. What a client can take away (the session as a scenario file, the
//! metrics as CSV) is made in memory and downloaded.

pub mod http;
pub mod levers;
pub mod session;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tokio::sync::broadcast;

use crate::model::TickMetrics;
use crate::scenario::{self, Scenario};
use session::{Session, Shared};

/// The page's files, embedded in the binary (name, bytes), for tests and tools.
pub const ASSETS: &[(&str, &str)] = &[
    ("index.html", include_str!("assets/index.html")),
    ("app.js", include_str!("assets/app.js")),
    ("style.css", include_str!("assets/style.css")),
    ("student.html", include_str!("assets/student.html")),
    ("student.js", include_str!("assets/student.js")),
];

/// The students' page (a classroom): join with the code, follow a member, vote.
pub const STUDENT_HTML: &str = include_str!("assets/student.html");
pub const STUDENT_JS: &str = include_str!("assets/student.js");

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Scenario file (TOML) to run live.
    pub file: PathBuf,
    /// A second scenario to run side by side with the first, in step and with its seed.
    #[arg(long)]
    pub compare: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. The default serves this machine only; `0.0.0.0` serves the
    /// network (a classroom): everyone sees the session, only the presenter's address (with its
    /// token) changes it.
    /// Address to listen on (default `127.0.0.1`, or `0.0.0.0` with `--classroom`).
    #[arg(long)]
    pub bind: Option<IpAddr>,
    /// A classroom: students join from their own devices with a join code, each follows a
    /// member of a community and votes in its assembly. Serves the network unless `--bind`
    /// says otherwise.
    #[arg(long)]
    pub classroom: bool,
    /// How long an assembly with students waits for their votes (seconds; the presenter can
    /// hold it, or close it sooner).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub vote_seconds: u64,
}

/// A connection that sends no complete request head within this time is closed; so is an idle
/// kept-alive connection (hyper's header-read timer runs while it waits for the next request).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Messages kept for clients that are a little behind; one further behind gets the whole state.
const BROADCAST_CAPACITY: usize = 256;

/// `commune serve`: runs until killed.
pub fn serve(args: &ServeArgs) -> Result<()> {
    let mut scenarios = vec![scenario::load(&args.file)?];
    if let Some(b) = &args.compare {
        scenarios.push(scenario::load(b)?);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let bind = args.bind.unwrap_or(if args.classroom {
            IpAddr::from([0, 0, 0, 0])
        } else {
            IpAddr::from([127, 0, 0, 1])
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, args.port))
            .await
            .with_context(|| format!("cannot listen on {bind}:{}", args.port))?;
        let addr = listener.local_addr()?;
        let names: Vec<&str> = scenarios.iter().map(|s| s.meta.name.as_str()).collect();
        let mut guard = http::Guard::new(addr.ip(), addr.port())?;
        if args.classroom {
            guard = guard.classroom()?;
        }
        // The presenter opens the address with the token; an any-address server is reached
        // from this machine through the loopback address.
        let shown = if addr.ip().is_unspecified() {
            SocketAddr::new(IpAddr::from([127, 0, 0, 1]), addr.port())
        } else {
            addr
        };
        // On every interface, the addresses others on the network type: this machine's own.
        let lan = if addr.ip().is_unspecified() {
            lan_addresses(addr.ip())
        } else {
            vec![addr.ip()]
        };
        let hosts: Vec<String> = lan
            .iter()
            .map(|ip| SocketAddr::new(*ip, addr.port()).to_string())
            .collect();
        guard.student_hosts.clone_from(&hosts);
        let viewers = match hosts.first() {
            Some(host) => format!("http://{host}/"),
            None => format!("http://<this machine's IP address>:{}/", addr.port()),
        };
        let students = guard.join_code.as_ref().map_or(String::new(), |code| {
            format!("{}\n", students_line(&hosts, addr.port(), code))
        });
        // One write, and no panic if whoever started the server stopped reading.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "commune serve: {} for the presenter at http://{shown}/?token={} (Ctrl-C stops)\n\
             viewers (read-only): {viewers}\n{students}",
            names.join(" and "),
            guard.token
        );
        let _ = out.flush();
        drop(out);
        let classroom = args.classroom.then(|| session::ClassroomConfig {
            wait: Duration::from_secs(args.vote_seconds),
        });
        let app = start_session(scenarios.clone(), guard, classroom)?;
        run_server(listener, http::router(app)).await
    })
}

/// Serves `router` on `listener` until the process ends: HTTP/1.1, each connection in its own
/// task, with [`HEADER_TIMEOUT`] for slow or idle connections.
async fn run_server(listener: tokio::net::TcpListener, router: axum::Router) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                eprintln!("commune serve: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        stream.set_nodelay(true).ok();
        // Each request knows its client's address (to throttle wrong join codes).
        let service = hyper_util::service::TowerToHyperService::new(
            router
                .clone()
                .layer(axum::Extension(http::Peer(Some(peer.ip())))),
        );
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            // A connection that breaks or times out just ends.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// This machine's addresses on the networks it reaches, of the family of `bound` (an
/// any-address): for each kind of destination (the default route, then the private ranges), the
/// address the system would send from, found by "connecting" a UDP socket, which sends nothing.
/// Loopback and duplicate addresses are left out; empty if there is no network.
pub fn lan_addresses(bound: IpAddr) -> Vec<IpAddr> {
    use std::net::UdpSocket;
    // Documentation and private addresses: never sent to (a UDP connect only picks a route).
    let (any, targets): (&str, &[&str]) = if bound.is_ipv4() {
        (
            "0.0.0.0:0",
            &[
                "192.0.2.1:9",
                "10.255.255.254:9",
                "172.31.255.254:9",
                "192.168.255.254:9",
            ],
        )
    } else {
        ("[::]:0", &["[2001:db8::1]:9", "[fd00::1]:9"])
    };
    let mut out: Vec<IpAddr> = Vec::new();
    for target in targets {
        let Ok(socket) = UdpSocket::bind(any) else {
            return out;
        };
        if let Ok(ip) = socket
            .connect(target)
            .and_then(|()| socket.local_addr())
            .map(|a| a.ip())
            && !ip.is_loopback()
            && !ip.is_unspecified()
            && !out.contains(&ip)
        {
            out.push(ip);
        }
    }
    out
}

/// The line that tells students where to join: each address (`host:port`) to open, or, if none
/// is known, a placeholder and where to find the address.
pub fn students_line(hosts: &[String], port: u16, code: &str) -> String {
    match hosts {
        [] => format!(
            "students: open http://<this machine's IP address>:{port}/join and type the code \
             {code}\n  (no network address found: `ip -4 addr` on Linux, `ipconfig getifaddr en0` \
             on a Mac or `ipconfig` on Windows shows it)"
        ),
        [one] => format!("students: open http://{one}/join and type the code {code}"),
        [first, rest @ ..] => {
            let others: Vec<String> = rest.iter().map(|h| format!("http://{h}/join")).collect();
            format!(
                "students: open http://{first}/join (or {}, on another network) and type the \
                 code {code}",
                others.join(" or ")
            )
        }
    }
}

/// Starts the session thread over `scenarios` and returns what the handlers share.
pub fn start_session(
    scenarios: Vec<Scenario>,
    guard: http::Guard,
    classroom: Option<session::ClassroomConfig>,
) -> Result<http::App> {
    let shared = Arc::new(Mutex::new(Shared::default()));
    let (out, _) = broadcast::channel(BROADCAST_CAPACITY);
    let (commands, rx) = mpsc::channel();
    let mut session = Session::new(scenarios, shared.clone(), out.clone());
    if let Some(cfg) = classroom {
        session = session.with_classroom(cfg);
    }
    let on_exit = shared.clone();
    std::thread::Builder::new()
        .name("simulation".to_owned())
        .spawn(move || {
            session.run(rx);
            session::lock(&on_exit).stopped = true;
        })
        .context("cannot start the simulation thread")?;
    Ok(http::App {
        commands,
        shared,
        out,
        guard: Arc::new(guard),
    })
}

/// Metrics rows as CSV, exactly as `commune run` writes `metrics.csv`.
pub fn metrics_csv(rows: &[TickMetrics]) -> Result<Vec<u8>> {
    use polars::prelude::{CsvWriter, SerWriter};
    let mut frame = crate::output::metrics_frame(rows)?;
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf)
        .include_header(true)
        .finish(&mut frame)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_students_line_names_each_address_or_says_where_to_find_one() {
        let code = "482913";
        assert_eq!(
            students_line(&["192.168.1.5:8080".to_owned()], 8080, code),
            "students: open http://192.168.1.5:8080/join and type the code 482913"
        );
        assert_eq!(
            students_line(
                &["192.168.1.5:8080".to_owned(), "10.0.0.7:8080".to_owned()],
                8080,
                code
            ),
            "students: open http://192.168.1.5:8080/join (or http://10.0.0.7:8080/join, on \
             another network) and type the code 482913"
        );
        assert_eq!(
            students_line(&["[fd00::5]:8080".to_owned()], 8080, code),
            "students: open http://[fd00::5]:8080/join and type the code 482913"
        );
        let none = students_line(&[], 8080, code);
        assert!(
            none.starts_with(
                "students: open http://<this machine's IP address>:8080/join and type the code \
                 482913\n"
            ),
            "{none}"
        );
        assert!(none.contains("ip -4 addr"), "{none}");
    }

    #[test]
    fn lan_addresses_are_this_machines_and_never_loopback() {
        // Whatever network the machine has (perhaps none): no loopback, no duplicates, and each
        // an address a socket can be bound to here.
        let found = lan_addresses(IpAddr::from([0, 0, 0, 0]));
        for ip in &found {
            assert!(
                ip.is_ipv4() && !ip.is_loopback() && !ip.is_unspecified(),
                "{ip}"
            );
            assert!(
                std::net::UdpSocket::bind(SocketAddr::new(*ip, 0)).is_ok(),
                "{ip}"
            );
        }
        let mut unique = found.clone();
        unique.dedup();
        assert_eq!(unique, found);
    }
}
