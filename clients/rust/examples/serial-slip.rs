//! A small Rust example: a 16550 (COM1) driver and the SLIP path over it (spec-notes §7), run
//! under the suite's `serial` layer over r2net's served hardware:
//!   cargo build --offline --release --manifest-path clients/rust/Cargo.toml --example serial-slip
//!   npx r2net run --impl clients/rust/target/release/examples/serial-slip --layers serial
use r2net_client::{fail, hex, inb, int, outb, serve, value, Driver, Op, OpResult, Statement};
use r2net_client::json::Json;

const COM1: u16 = 0x3F8;
const LSR: u16 = COM1 + 5;
const SPIN_LIMIT: u32 = 1000; // LSR polls before read/write give up (our bound)
const SLIP_BUFFER: usize = 4096;
const END: u8 = 0xC0;
const ESC: u8 = 0xDB;
const ESC_END: u8 = 0xDC;
const ESC_ESC: u8 = 0xDD;

#[derive(Default)]
struct Serial {
    frame: Vec<u8>,
    escaped: bool,
    discarding: bool,
    received: i64,
    decode_errors: i64,
}

fn init() {
    outb(COM1 + 1, 0x00); // IER: polled
    outb(COM1 + 3, 0x80); // LCR: DLAB
    outb(COM1, 3); // DLL: 115200 / 3 = 38400 baud
    outb(COM1 + 1, 0); // DLM
    outb(COM1 + 3, 0x03); // 8N1
    outb(COM1 + 2, 0xC7); // FIFOs on, cleared, 14-byte trigger
    outb(COM1 + 4, 0x0B); // DTR | RTS | OUT2
}

fn ready() -> bool { inb(LSR) & 1 != 0 }

fn read() -> Option<u8> { (0..SPIN_LIMIT).find(|_| ready()).map(|_| inb(COM1)) }

fn write(b: u8) -> bool {
    for _ in 0..SPIN_LIMIT {
        if inb(LSR) & 0x20 != 0 {
            outb(COM1, b);
            return true;
        }
    }
    false
}

fn encode(d: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![END];
    for &b in d {
        match b {
            END => out.extend_from_slice(&[ESC, ESC_END]),
            ESC => out.extend_from_slice(&[ESC, ESC_ESC]),
            _ => out.push(b),
        }
    }
    out.push(END);
    (out.len() <= SLIP_BUFFER).then_some(out)
}

impl Serial {
    fn error(&mut self, resync_now: bool) {
        self.decode_errors += 1;
        self.frame.clear();
        self.discarding = !resync_now;
    }
    fn keep(&mut self, b: u8) {
        if self.frame.len() == SLIP_BUFFER { self.error(false) } else { self.frame.push(b) }
    }
    fn receive(&mut self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while ready() {
            let Some(b) = read() else { break };
            if self.discarding {
                self.discarding = b != END;
            } else if self.escaped {
                self.escaped = false;
                match b {
                    ESC_END => self.keep(END),
                    ESC_ESC => self.keep(ESC),
                    _ => self.error(b == END), // ESC END: that END resynchronises
                }
            } else if b == END {
                if !self.frame.is_empty() {
                    self.received += 1;
                    out.push(std::mem::take(&mut self.frame));
                }
            } else if b == ESC {
                self.escaped = true;
            } else {
                self.keep(b);
            }
        }
        out
    }
}

impl Driver for Serial {
    fn reset(&mut self, _layer: &str) { *self = Serial::default(); }

    fn op(&mut self, _layer: &str, op: &Op) -> Option<OpResult> {
        Some(match op.name() {
            "init" => {
                init();
                self.frame.clear();
                self.escaped = false;
                self.discarding = false;
                Ok(value(&[]))
            }
            "send-packet" => match op.bytes("datagram") {
                None => fail("invalid-argument", "send-packet", "'datagram' must be a hex string"),
                Some(d) => match encode(&d) {
                    None => fail("too-large", "slip.encode", "the encoding exceeds the SLIP buffer"),
                    Some(enc) if enc.iter().all(|&b| write(b)) => Ok(value(&[("encodedBytes", int(enc.len() as i64))])),
                    Some(_) => fail("device", "serial.write", "transmitter never became ready"),
                },
            },
            "write" => match op.int("byte", 0, 255) {
                None => fail("invalid-argument", "write", "'byte' must be an integer in 0..255"),
                Some(b) if write(b as u8) => Ok(value(&[])),
                Some(_) => fail("device", "serial.write", "transmitter never became ready"),
            },
            "ready" => Ok(value(&[("ready", Json::Bool(ready()))])),
            "read" => match read() {
                Some(b) => Ok(value(&[("byte", int(b as i64))])),
                None => fail("device", "serial.read", "no byte received"),
            },
            "receive" => Ok(value(&[("datagrams", Json::Arr(self.receive().iter().map(|d| hex(d)).collect()))])),
            "counters" => Ok(value(&[("received", int(self.received)), ("decodeErrors", int(self.decode_errors))])),
            _ => return None,
        })
    }
}

fn main() {
    let statement = Statement { name: "r2net-rust-serial", version: "0.1.0", profile: "seed", layers: &["serial"] };
    std::process::exit(serve(&statement, &mut Serial::default()));
}
