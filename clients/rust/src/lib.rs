//! r2net client library for Rust (std only): run a driver or kernel under the r2net
//! conformance suites over r2net's served hardware (protocol 2, spec/contract/protocol.md).
//!
//! r2net keeps the machine (port-I/O bus, PCI, RTL8139, 16550, guest memory, clock, wire,
//! serial line); this crate gives your code the CPU's side: [`inb`] … [`outl`] and DMA buffers
//! mirrored in r2net's guest memory ([`dma_register`], [`phys`]). The memory model is the C
//! library's: r2net owns guest memory; your buffers are copies kept coherent — device writes
//! are copied in when r2net pushes them, your writes are copied out before every port access
//! and before each op's reply.

pub mod json;

use json::{from_hex, to_hex, Json};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

const GUEST_DMA_BASE: u64 = 0x0010_0000;
const GUEST_PAGE: u64 = 4096;
const MAX_TRANSFER: usize = 0x10000;

struct Mirror {
    buf: *mut u8,
    shadow: Vec<u8>,
    phys: u32,
}

struct Link {
    mirrors: Vec<Mirror>,
    next_phys: u64,
    next_hw: u64,
    op_id: Option<u64>,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::new(Link { mirrors: Vec::new(), next_phys: GUEST_DMA_BASE, next_hw: 0, op_id: None });
}

fn die(msg: &str) -> ! {
    eprintln!("r2net client: {msg}");
    std::process::exit(2);
}

fn write_line(s: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(s.as_bytes()).and_then(|_| out.write_all(b"\n")).and_then(|_| out.flush()).is_err() {
        die("cannot write to stdout");
    }
}

/// The next non-blank line of stdin, None at end of input.
fn read_line() -> Option<String> {
    let stdin = std::io::stdin();
    let mut line = String::new();
    loop {
        line.clear();
        match stdin.lock().read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) => {
                let t = line.trim();
                if !t.is_empty() {
                    return Some(t.to_string());
                }
            }
            Err(e) => die(&format!("cannot read stdin: {e}")),
        }
    }
}

impl Link {
    /// The driver's buffer behind a mirror (not tied to the mirror's borrow: it is the driver's).
    fn mirror_slice<'b>(m: &Mirror) -> &'b mut [u8] {
        // SAFETY: registered by dma_register with this length, valid for the process's life,
        // used from this thread only.
        unsafe { std::slice::from_raw_parts_mut(m.buf, m.shadow.len()) }
    }

    fn apply_dma(&mut self, dma: Option<&Json>) {
        let Some(list) = dma.and_then(Json::as_array) else { return };
        for w in list {
            let (Some(addr), Some(bytes)) = (w.get("addr").and_then(Json::as_f64), w.get("bytes").and_then(Json::as_str).and_then(from_hex)) else {
                die("malformed dma entry from r2net")
            };
            let at = addr as u64;
            for m in &mut self.mirrors {
                let (lo, hi) = (at.max(m.phys as u64), (at + bytes.len() as u64).min(m.phys as u64 + m.shadow.len() as u64));
                if lo >= hi {
                    continue;
                }
                let (dst, src) = ((lo - m.phys as u64) as usize, (lo - at) as usize);
                let n = (hi - lo) as usize;
                Link::mirror_slice(m)[dst..dst + n].copy_from_slice(&bytes[src..src + n]);
                m.shadow[dst..dst + n].copy_from_slice(&bytes[src..src + n]);
            }
        }
    }

    /// One hardware request; returns r2net's reply.
    fn call(&mut self, body: &[(&str, Json)]) -> Json {
        let Some(op) = self.op_id else { die("a hardware request outside an op: port I/O and DMA exist only while r2net waits for an op's result") };
        let k = self.next_hw;
        self.next_hw += 1;
        let mut m = BTreeMap::new();
        m.insert("hw".to_string(), Json::Num(k as f64));
        m.insert("for".to_string(), Json::Num(op as f64));
        for (key, v) in body {
            m.insert(key.to_string(), v.clone());
        }
        let mut s = String::new();
        Json::Obj(m).write(&mut s);
        write_line(&s);
        let line = read_line().unwrap_or_else(|| die(&format!("stdin ended while waiting for the reply to hardware request #{k}")));
        let r = json::parse(&line).unwrap_or_else(|e| die(&format!("the reply to hardware request #{k} is not JSON: {e}")));
        if r.get("hw").and_then(Json::as_f64) != Some(k as f64) {
            die(&format!("expected the reply to hardware request #{k}, got: {}", &line[..line.len().min(200)]));
        }
        if r.get("error").is_some() {
            die(&format!("r2net refused hardware request #{k}: {line}"));
        }
        self.apply_dma(r.get("dma"));
        r
    }

    /// Sends what the driver wrote into its DMA buffers since the last flush.
    fn flush(&mut self) {
        let mut writes: Vec<(u32, Vec<u8>)> = Vec::new();
        for m in &mut self.mirrors {
            let buf = Link::mirror_slice(m);
            if buf == &m.shadow[..] {
                continue;
            }
            let mut at = 0;
            while at < buf.len() {
                while at < buf.len() && buf[at] == m.shadow[at] {
                    at += 1;
                }
                if at == buf.len() {
                    break;
                }
                let (mut end, mut same) = (at, 0);
                while end < buf.len() && same < 16 {
                    same = if buf[end] == m.shadow[end] { same + 1 } else { 0 };
                    end += 1;
                }
                end = (end - same).min(at + MAX_TRANSFER);
                m.shadow[at..end].copy_from_slice(&buf[at..end]);
                writes.push((m.phys + at as u32, buf[at..end].to_vec()));
                at = end;
            }
        }
        for (addr, bytes) in writes {
            self.call(&[("method", Json::Str("write".into())), ("addr", Json::Num(addr as f64)), ("bytes", Json::Str(to_hex(&bytes)))]);
        }
    }

    fn port_in(&mut self, port: u16, width: u32) -> u32 {
        self.flush();
        let r = self.call(&[("method", Json::Str("in".into())), ("port", Json::Num(port as f64)), ("width", Json::Num(width as f64))]);
        r.get("value").and_then(Json::as_f64).unwrap_or_else(|| die(&format!("r2net's reply to in {port:#x} has no value"))) as u32
    }

    fn port_out(&mut self, port: u16, width: u32, value: u32) {
        self.flush(); // the device may act on this write (a doorbell): it must see our memory
        self.call(&[("method", Json::Str("out".into())), ("port", Json::Num(port as f64)), ("width", Json::Num(width as f64)), ("value", Json::Num(value as f64))]);
    }
}

fn with<T>(f: impl FnOnce(&mut Link) -> T) -> T {
    LINK.with(|l| f(&mut l.borrow_mut()))
}

pub fn inb(port: u16) -> u8 { with(|l| l.port_in(port, 1)) as u8 }
pub fn inw(port: u16) -> u16 { with(|l| l.port_in(port, 2)) as u16 }
pub fn inl(port: u16) -> u32 { with(|l| l.port_in(port, 4)) }
pub fn outb(port: u16, v: u8) { with(|l| l.port_out(port, 1, v as u32)) }
pub fn outw(port: u16, v: u16) { with(|l| l.port_out(port, 2, v as u32)) }
pub fn outl(port: u16, v: u32) { with(|l| l.port_out(port, 4, v)) }

/// Mirrors `len` bytes at `ptr` (e.g. a driver's `static mut RX_BUFFER`) in guest memory and
/// returns their guest-physical address (page aligned, an unused guest page after them).
///
/// # Safety
/// `ptr..ptr+len` must stay valid and be used from this thread only for the process's life.
pub unsafe fn dma_register(ptr: *mut u8, len: usize) -> u32 {
    with(|l| {
        let end = l.next_phys + len as u64;
        if len == 0 || end + GUEST_PAGE > 0xffff_ffff {
            die("no guest-physical space left for a DMA buffer");
        }
        std::ptr::write_bytes(ptr, 0, len);
        let phys = l.next_phys as u32;
        l.mirrors.push(Mirror { buf: ptr, shadow: vec![0; len], phys });
        l.next_phys = (end.div_ceil(GUEST_PAGE) + 1) * GUEST_PAGE;
        phys
    })
}

/// A zeroed DMA buffer that lives as long as the process.
pub fn dma_alloc(len: usize) -> &'static mut [u8] {
    let b: &'static mut [u8] = Box::leak(vec![0u8; len].into_boxed_slice());
    // SAFETY: leaked, so valid forever.
    unsafe { dma_register(b.as_mut_ptr(), len) };
    b
}

/// The guest-physical address of a byte inside a DMA buffer (a driver's virt_to_phys); 0 outside.
pub fn phys(ptr: *const u8) -> u32 {
    with(|l| {
        for m in &l.mirrors {
            let start = m.buf as usize;
            if (ptr as usize) >= start && (ptr as usize) < start + m.shadow.len() {
                return m.phys + (ptr as usize - start) as u32;
            }
        }
        0
    })
}

/// Explicit guest-memory reads and writes, for memory you do not mirror.
pub fn mem_read(addr: u32, out: &mut [u8]) {
    for (i, chunk) in out.chunks_mut(MAX_TRANSFER).enumerate() {
        let a = addr + (i * MAX_TRANSFER) as u32;
        let r = with(|l| l.call(&[("method", Json::Str("read".into())), ("addr", Json::Num(a as f64)), ("len", Json::Num(chunk.len() as f64))]));
        let b = r.get("bytes").and_then(Json::as_str).and_then(from_hex).filter(|b| b.len() == chunk.len()).unwrap_or_else(|| die("r2net's reply to a read has no such bytes"));
        chunk.copy_from_slice(&b);
    }
}
pub fn mem_write(addr: u32, bytes: &[u8]) {
    for (i, chunk) in bytes.chunks(MAX_TRANSFER).enumerate() {
        let a = addr + (i * MAX_TRANSFER) as u32;
        with(|l| l.call(&[("method", Json::Str("write".into())), ("addr", Json::Num(a as f64)), ("bytes", Json::Str(to_hex(chunk)))]));
    }
}

/// The op being executed: its name and arguments.
pub struct Op<'a>(&'a Json);

impl<'a> Op<'a> {
    pub fn name(&self) -> &str { self.0.get("op").and_then(Json::as_str).unwrap_or("") }
    pub fn has(&self, key: &str) -> bool { self.0.get(key).is_some() }
    pub fn number(&self, key: &str) -> Option<f64> { self.0.get(key).and_then(Json::as_f64) }
    /// An integer argument within [min, max].
    pub fn int(&self, key: &str, min: i64, max: i64) -> Option<i64> {
        self.number(key).filter(|n| n.fract() == 0.0 && *n >= min as f64 && *n <= max as f64).map(|n| n as i64)
    }
    /// A hex bytes argument.
    pub fn bytes(&self, key: &str) -> Option<Vec<u8>> { self.0.get(key).and_then(Json::as_str).and_then(from_hex) }
}

/// An error result of the contract (kinds: device, too-large, invalid-argument, ...).
pub struct OpError {
    pub kind: &'static str,
    pub r#where: &'static str,
    pub message: String,
}

pub type OpResult = Result<Json, OpError>;

/// Builds a result value: `value(&[("ready", Json::Bool(true))])`.
pub fn value(pairs: &[(&str, Json)]) -> Json {
    Json::Obj(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}
pub fn int(n: i64) -> Json { Json::Num(n as f64) }
pub fn hex(b: &[u8]) -> Json { Json::Str(to_hex(b)) }
pub fn fail(kind: &'static str, r#where: &'static str, message: &str) -> OpResult { Err(OpError { kind, r#where, message: message.to_string() }) }

/// What you implement: reset (before each scenario's first op) and the ops.
pub trait Driver {
    fn reset(&mut self, layer: &str);
    /// None: an op this driver does not know (answered unsupported-op).
    fn op(&mut self, layer: &str, op: &Op) -> Option<OpResult>;
}

pub struct Statement {
    pub name: &'static str,
    pub version: &'static str,
    pub profile: &'static str,
    pub layers: &'static [&'static str],
}

fn reply(id: f64, field: &str, v: Json) {
    let mut s = String::new();
    value(&[("id", Json::Num(id)), (field, v)]).write(&mut s);
    write_line(&s);
}

fn error_reply(id: Json, kind: &str, message: &str) {
    let mut s = String::new();
    value(&[("id", id), ("error", value(&[("kind", Json::Str(kind.into())), ("message", Json::Str(message.into()))]))]).write(&mut s);
    write_line(&s);
}

/// Serves hello, op and shutdown on stdin/stdout until shutdown or end of input; returns the exit status.
pub fn serve(statement: &Statement, driver: &mut dyn Driver) -> i32 {
    while let Some(line) = read_line() {
        let Ok(req) = json::parse(&line) else {
            error_reply(Json::Null, "bad-request", "not JSON");
            continue;
        };
        let (Some(id), Some(method)) = (req.get("id").and_then(Json::as_f64), req.get("method").and_then(Json::as_str)) else {
            error_reply(Json::Null, "bad-request", "a request needs an integer id and a method");
            continue;
        };
        match method {
            "hello" => {
                if req.get("protocol").and_then(Json::as_f64).unwrap_or(0.0) < 2.0 {
                    error_reply(Json::Num(id), "unsupported-version", "served hardware needs protocol 2");
                    continue;
                }
                let s = value(&[
                    ("name", Json::Str(statement.name.into())),
                    ("version", Json::Str(statement.version.into())),
                    ("profile", Json::Str(statement.profile.into())),
                    ("layers", Json::Arr(statement.layers.iter().map(|l| Json::Str(l.to_string())).collect())),
                    ("hardware", Json::Str("served".into())),
                ]);
                let mut out = String::new();
                value(&[("id", Json::Num(id)), ("protocol", Json::Num(2.0)), ("statement", s)]).write(&mut out);
                write_line(&out);
            }
            "op" => {
                let layer = req.get("layer").and_then(Json::as_str).unwrap_or("");
                let Some(op) = req.get("op").filter(|o| matches!(o, Json::Obj(_))) else {
                    error_reply(Json::Num(id), "bad-request", "op must be an object");
                    continue;
                };
                if !statement.layers.contains(&layer) {
                    error_reply(Json::Num(id), "bad-request", "op for a layer this implementation does not declare");
                    continue;
                }
                if req.get("reset").and_then(Json::as_bool) == Some(true) {
                    with(|l| {
                        for m in &mut l.mirrors {
                            Link::mirror_slice(m).fill(0);
                            m.shadow.fill(0);
                        }
                    });
                    driver.reset(layer);
                }
                with(|l| {
                    l.apply_dma(req.get("dma"));
                    l.op_id = Some(id as u64);
                });
                let op = Op(op);
                let result = driver.op(layer, &op);
                with(|l| {
                    l.flush(); // r2net observes after the op: it must see the driver's writes
                    l.op_id = None;
                });
                let r = match result {
                    Some(Ok(v)) => value(&[("ok", Json::Bool(true)), ("value", v)]),
                    Some(Err(e)) => value(&[("ok", Json::Bool(false)), ("error", value(&[("kind", Json::Str(e.kind.into())), ("where", Json::Str(e.r#where.into())), ("message", Json::Str(e.message))]))]),
                    None => value(&[("ok", Json::Bool(false)), ("error", value(&[("kind", Json::Str("unsupported-op".into())), ("message", Json::Str(op.name().into()))]))]),
                };
                reply(id, "result", r);
            }
            "shutdown" => {
                reply(id, "ok", Json::Bool(true));
                return 0;
            }
            _ => error_reply(Json::Num(id), "unsupported-method", "this implementation answers hello, op and shutdown"),
        }
    }
    0
}
