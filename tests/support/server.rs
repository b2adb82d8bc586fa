//! Owns the loopback mock servers (HTTPS and plain HTTP), their request handlers and their
//! bounded shutdown.

use std::any::TypeId;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::http::{
    Recorded, Reply, RequestError, read_request, reason_phrase, write_full, write_huge,
};
use super::tls::TestCa;

/// How long a connection may stay silent while its request is being read.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one write to a client may block (a client that stops reading a huge reply).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long dropping a server waits for its threads before leaving them detached.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The request handler a server calls, boxed.
type BoxedHandler = Box<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// The replies of a [`script`] and how many have been used.
struct ScriptState {
    replies: Vec<Reply>,
    next: usize,
}

impl ScriptState {
    /// The reply due now (the last one once the script is used up).
    fn current(&self) -> &Reply {
        &self.replies[self.next.min(self.replies.len() - 1)]
    }

    /// Takes the reply due now and moves on.
    fn take(&mut self) -> Reply {
        let reply = self.current().clone();
        self.next = self.next.saturating_add(1);
        reply
    }

    /// Answers the pre-request probe: takes a due [`Reply::HangBeforeTls`], else takes nothing
    /// and answers [`Reply::Close`] (which the server ignores).
    fn take_if_hang_before_tls(&mut self) -> Reply {
        match self.current() {
            Reply::HangBeforeTls => self.take(),
            _ => Reply::Close,
        }
    }
}

/// A handler answering `replies` in order, one per connection, repeating the last one;
/// panics if `replies` is empty.
///
/// A [`Reply::HangBeforeTls`] entry takes effect before its connection is read (no TLS
/// handshake): the server recognises script handlers and asks them, and only them, with a
/// probe before reading each request.
pub fn script(replies: Vec<Reply>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    assert!(!replies.is_empty(), "a script needs at least one reply");
    let state = Mutex::new(ScriptState { replies, next: 0 });
    move |request: &Recorded| {
        let mut state = lock(&state);
        if request.is_probe() {
            state.take_if_hang_before_tls()
        } else {
            state.take()
        }
    }
}

/// Whether `handler` is a closure made by [`script`] (all of them share one type).
fn is_script<F: 'static>(handler: &F) -> bool {
    type_id_of(handler) == type_id_of(&script(vec![Reply::Close]))
}

/// The [`TypeId`] of a value's type.
fn type_id_of<T: 'static>(_: &T) -> TypeId {
    TypeId::of::<T>()
}

/// A handler choosing the reply of the first route whose prefix starts the request path,
/// and `404 not found` when none does.
pub fn route<S: Into<String>>(
    routes: Vec<(S, Reply)>,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let routes: Vec<(String, Reply)> = routes
        .into_iter()
        .map(|(prefix, reply)| (prefix.into(), reply))
        .collect();
    move |request: &Recorded| {
        routes
            .iter()
            .find(|(prefix, _)| request.path.starts_with(prefix.as_str()))
            .map(|(_, reply)| reply.clone())
            .unwrap_or_else(|| Reply::status(404, "not found"))
    }
}

/// A one-shot flag that threads can wait on.
struct StopSignal {
    stopped: Mutex<bool>,
    changed: Condvar,
}

impl StopSignal {
    /// A flag not yet set.
    fn new() -> StopSignal {
        StopSignal {
            stopped: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Whether the flag is set.
    fn is_set(&self) -> bool {
        *lock(&self.stopped)
    }

    /// Sets the flag and wakes every waiter.
    fn set(&self) {
        *lock(&self.stopped) = true;
        self.changed.notify_all();
    }

    /// Blocks until the flag is set.
    fn wait(&self) {
        let mut stopped = lock(&self.stopped);
        while !*stopped {
            stopped = self
                .changed
                .wait(stopped)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

/// State shared by a server's handle, accept thread and connection threads.
struct Shared {
    handler: BoxedHandler,
    /// The handler is a [`script`], to be probed before each request is read.
    scripted: bool,
    tls: Option<Arc<ServerConfig>>,
    stop: StopSignal,
    requests: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
    /// Clones of the open sockets, so dropping the server can unblock their threads.
    live: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// A loopback HTTP or HTTPS server that records every request and answers it with what its
/// handler returns. One request per connection. Dropping it stops every thread it started.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    scheme: &'static str,
    acceptor: Option<JoinHandle<()>>,
}

impl MockServer {
    /// An HTTPS server on 127.0.0.1 (random port) presenting `ca`'s server certificate.
    pub fn https(
        ca: &TestCa,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> MockServer {
        MockServer::start("127.0.0.1:0", Some(ca.server_config()), handler)
    }

    /// A plain HTTP server on 127.0.0.1 (random port).
    pub fn http(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> MockServer {
        MockServer::start("127.0.0.1:0", None, handler)
    }

    /// Like [`MockServer::https`] or [`MockServer::http`], on `[::1]`; `None` where this
    /// machine has no IPv6 loopback. Its [`MockServer::url`] names `[::1]`.
    pub fn on_ipv6(
        ca: Option<&TestCa>,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Option<MockServer> {
        TcpListener::bind("[::1]:0").ok()?;
        Some(MockServer::start(
            "[::1]:0",
            ca.map(TestCa::server_config),
            handler,
        ))
    }

    /// Binds the listener and starts the accept thread.
    fn start<F>(bind: &str, tls: Option<Arc<ServerConfig>>, handler: F) -> MockServer
    where
        F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
    {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind(bind).expect("bind a loopback port");
        let addr = listener.local_addr().expect("listener address");
        let shared = Arc::new(Shared {
            scripted: is_script(&handler),
            handler: Box::new(handler),
            tls,
            stop: StopSignal::new(),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            live: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name(format!("mock-accept-{}", addr.port()))
                .spawn(move || accept_loop(listener, shared))
                .expect("spawn accept thread")
        };
        MockServer {
            shared,
            addr,
            scheme,
            acceptor: Some(acceptor),
        }
    }

    /// Base URL, e.g. `https://127.0.0.1:41234` or `http://[::1]:41234` (no trailing slash).
    pub fn url(&self) -> String {
        let host = match self.addr {
            SocketAddr::V4(_) => "127.0.0.1",
            SocketAddr::V6(_) => "[::1]",
        };
        format!("{}://{host}:{}", self.scheme, self.addr.port())
    }

    /// Base URL naming the host `localhost` instead of the address.
    pub fn url_localhost(&self) -> String {
        format!("{}://localhost:{}", self.scheme, self.addr.port())
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// The most recent request, if any.
    pub fn last(&self) -> Option<Recorded> {
        lock(&self.shared.requests).last().cloned()
    }

    /// How many requests have been received so far.
    pub fn count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// How many TCP connections have been accepted so far (including ones that sent no
    /// request, e.g. failed TLS handshakes).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Stops the server now and reports how its threads ended (dropping it does the same,
    /// silently).
    pub fn stop(mut self) -> StopReport {
        self.shut_down()
    }

    /// Stops the server: no new connections, held ones released, threads joined (bounded).
    fn shut_down(&mut self) -> StopReport {
        let Some(acceptor) = self.acceptor.take() else {
            return StopReport::default();
        };
        self.shared.stop.set();
        for socket in lock(&self.shared.live).values() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        // Wake the accept thread, which then sees the stop flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let deadline = Instant::now() + JOIN_TIMEOUT;
        let mut report = join_until(vec![acceptor], deadline);
        let workers = std::mem::take(&mut *lock(&self.shared.workers));
        report.add(join_until(workers, deadline));
        report
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// How a server's threads ended when it was stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StopReport {
    /// Threads that finished normally and were joined.
    pub joined: usize,
    /// Threads that had panicked.
    pub panicked: usize,
    /// Threads still running at the join deadline, left detached.
    pub detached: usize,
}

impl StopReport {
    /// Adds another report's counts to this one.
    fn add(&mut self, other: StopReport) {
        self.joined += other.joined;
        self.panicked += other.panicked;
        self.detached += other.detached;
    }
}

/// Accepts connections until the stop flag is set, one thread per connection.
fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut next_id: u64 = 0;
    for stream in listener.incoming() {
        if shared.stop.is_set() {
            break;
        }
        let Ok(stream) = stream else {
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        next_id += 1;
        let id = next_id;
        let worker = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name(format!("mock-conn-{id}"))
                .spawn(move || serve_connection(&shared, stream, id))
        };
        if let Ok(worker) = worker {
            lock(&shared.workers).push(worker);
        }
    }
}

/// Serves one connection: optional hold, optional TLS, one request, one reply.
fn serve_connection(shared: &Shared, stream: TcpStream, id: u64) {
    if !register(shared, &stream, id) {
        return;
    }
    shared.connections.fetch_add(1, Ordering::SeqCst);
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    if holds_before_request(shared) {
        shared.stop.wait();
    } else if let Some(config) = &shared.tls {
        serve_tls(shared, Arc::clone(config), stream);
    } else {
        let mut stream = stream;
        exchange(shared, &mut stream);
    }
    lock(&shared.live).remove(&id);
}

/// Whether a [`script`] handler wants this connection held unread ([`Reply::HangBeforeTls`]).
fn holds_before_request(shared: &Shared) -> bool {
    shared.scripted && (shared.handler)(&Recorded::probe()) == Reply::HangBeforeTls
}

/// Records a clone of the socket so shutdown can unblock it; `false` if already stopping.
fn register(shared: &Shared, stream: &TcpStream, id: u64) -> bool {
    let mut live = lock(&shared.live);
    if shared.stop.is_set() {
        return false;
    }
    match stream.try_clone() {
        Ok(clone) => {
            live.insert(id, clone);
            true
        }
        Err(_) => false,
    }
}

/// Runs the exchange over TLS, ending with close_notify unless the reply was [`Reply::Close`].
fn serve_tls(shared: &Shared, config: Arc<ServerConfig>, stream: TcpStream) {
    let Ok(connection) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = StreamOwned::new(connection, stream);
    if exchange(shared, &mut tls) == Ending::Graceful {
        tls.conn.send_close_notify();
        let _ = tls.flush();
    }
}

/// How a connection should end after its exchange.
#[derive(PartialEq, Eq)]
enum Ending {
    /// Say goodbye properly (TLS close_notify).
    Graceful,
    /// Just drop the socket.
    Abrupt,
}

/// Reads and records one request, then answers it as the handler says.
fn exchange(shared: &Shared, stream: &mut (impl Read + Write)) -> Ending {
    let request = match read_request(stream) {
        Ok(request) => request,
        Err(RequestError::Gone) => return Ending::Abrupt,
        Err(RequestError::Reject(status)) => {
            let _ = write_full(stream, status, &[], reason_phrase(status).as_bytes());
            return Ending::Graceful;
        }
    };
    lock(&shared.requests).push(request.clone());
    match ask_handler(shared, &request) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let _ = write_full(stream, status, &headers, &body);
            Ending::Graceful
        }
        Reply::Huge(length) => match write_huge(stream, length) {
            Ok(()) => Ending::Graceful,
            Err(_) => Ending::Abrupt,
        },
        Reply::Hang | Reply::HangBeforeTls => {
            shared.stop.wait();
            Ending::Abrupt
        }
        Reply::Close => Ending::Abrupt,
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).and_then(|()| stream.flush());
            Ending::Graceful
        }
    }
}

/// The handler's reply; a panicking handler yields a 500 (its message is printed as usual).
fn ask_handler(shared: &Shared, request: &Recorded) -> Reply {
    catch_unwind(AssertUnwindSafe(|| (shared.handler)(request)))
        .unwrap_or_else(|_| Reply::status(500, "mock handler panicked"))
}

/// Joins the threads that finish before `deadline`; the rest are left detached.
fn join_until(handles: Vec<JoinHandle<()>>, deadline: Instant) -> StopReport {
    while Instant::now() < deadline && handles.iter().any(|h| !h.is_finished()) {
        thread::sleep(Duration::from_millis(5));
    }
    let mut report = StopReport::default();
    for handle in handles {
        if !handle.is_finished() {
            report.detached += 1;
        } else if handle.join().is_ok() {
            report.joined += 1;
        } else {
            report.panicked += 1;
        }
    }
    report
}

/// Locks a mutex, ignoring poisoning (a panicking handler must not break the server).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
