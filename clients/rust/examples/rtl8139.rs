//! A Rust RTL8139 driver (spec-notes §6) on the crate, run under the suite's `nic` layer: PCI
//! discovery, the init sequence with its reset poll, the polled RX ring and round-robin TX. Its
//! RX_BUFFER and TX_BUFFERS are plain statics, registered once as DMA mirrors; `phys` is the
//! driver's virt_to_phys. Delivered frames keep their CRC, as spec-notes §6 documents.
//!   cargo build --offline --release --manifest-path clients/rust/Cargo.toml --examples
//!   npx r2net run --impl clients/rust/target/release/examples/rtl8139 --layers nic
use r2net_client::json::Json;
use r2net_client::{dma_register, fail, hex, inb, inl, int, inw, mem_read, outb, outl, outw, phys, serve, value, Driver, Op, OpResult, Statement};

const RX_RING: usize = 8192;
const RX_ALLOC: usize = 8192 + 16 + 1500;
const TX_DESC: usize = 4;
const TX_BUF: usize = 2048;
const RESET_POLLS: u32 = 100_000;

static mut RX_BUFFER: [u8; RX_ALLOC] = [0; RX_ALLOC];
static mut TX_BUFFERS: [[u8; TX_BUF]; TX_DESC] = [[0; TX_BUF]; TX_DESC];

fn rx() -> &'static mut [u8; RX_ALLOC] {
    // SAFETY: one thread; the library only copies into it between the driver's own accesses.
    unsafe { &mut *std::ptr::addr_of_mut!(RX_BUFFER) }
}
fn tx() -> &'static mut [[u8; TX_BUF]; TX_DESC] {
    // SAFETY: as above.
    unsafe { &mut *std::ptr::addr_of_mut!(TX_BUFFERS) }
}

fn pci_address(bus: u32, dev: u32, func: u32, off: u32) -> u32 { 0x8000_0000 | bus << 16 | dev << 11 | func << 8 | (off & 0xFC) }
fn pci_read(bus: u32, dev: u32, func: u32, off: u32) -> u32 {
    outl(0xCF8, pci_address(bus, dev, func, off));
    inl(0xCFC)
}

#[derive(Default)]
struct Nic {
    io: Option<u16>,
    rx_offset: u32,
    tx_index: u32,
}

impl Nic {
    fn init(&mut self) -> Option<u16> {
        let mut base = 0xC000u16;
        'scan: for bus in 0..256 {
            for dev in 0..32 {
                for func in 0..8 {
                    if pci_read(bus, dev, func, 0) != 0x8139_10EC { continue; }
                    let bar0 = pci_read(bus, dev, func, 0x10);
                    if bar0 & 1 == 0 { continue; }
                    base = (bar0 & 0xFFFC) as u16;
                    let cmd = pci_read(bus, dev, func, 0x04);
                    outl(0xCF8, pci_address(bus, dev, func, 0x04));
                    outw(0xCFC, (cmd as u16) | 0x0004); // bus mastering, command word only
                    break 'scan;
                }
            }
        }
        outb(base + 0x52, 0x00); // CONFIG1
        outb(base + 0x37, 0x10); // CR <- RST
        let mut polls = 0;
        while inb(base + 0x37) & 0x10 != 0 {
            polls += 1;
            if polls >= RESET_POLLS { return None; }
        }
        outl(base + 0x30, phys(rx().as_ptr())); // RBSTART
        outb(base + 0x37, 0x0C); // RE | TE
        outl(base + 0x44, 0x8F); // accept all, WRAP
        outw(base + 0x3C, 0x0005); // IMR: ROK | TOK
        self.rx_offset = 0;
        self.tx_index = 0;
        self.io = Some(base);
        Some(base)
    }

    fn receive(&mut self, cap: usize) -> Vec<u8> {
        let Some(io) = self.io else { return Vec::new() };
        let (capr, cbr) = (inw(io + 0x38), inw(io + 0x3A));
        if capr.wrapping_add(16) == cbr { return Vec::new(); }
        outw(io + 0x3E, 0x01); // acknowledge ROK
        let at = self.rx_offset as usize % RX_RING;
        let len = u16::from_le_bytes([rx()[at + 2], rx()[at + 3]]) as usize; // frame + CRC
        // Delivered with its CRC (spec-notes §6): the limits apply to that copied length.
        let keep = len >= 14 && len <= cap;
        // Copy before CAPR moves (nic.rx.copy-before-capr): the CAPR write hands the bytes back to
        // the chip. WRAP: contiguous past the ring end, into the guard and, for a longer frame, on
        // into the physical memory after RX_BUFFER.
        let mut out = Vec::new();
        if keep {
            let inside = len.min(RX_ALLOC - (at + 4));
            out = rx()[at + 4..at + 4 + inside].to_vec();
            if inside < len {
                let mut rest = vec![0; len - inside];
                mem_read(phys(rx().as_ptr()) + RX_ALLOC as u32, &mut rest);
                out.extend_from_slice(&rest);
            }
        }
        // A dropped frame is consumed too, or the ring would stall on it.
        self.rx_offset = ((self.rx_offset + len as u32 + 4 + 3) & !3) % RX_RING as u32;
        outw(io + 0x38, self.rx_offset.wrapping_sub(16) as u16);
        out
    }

    fn send(&mut self, frame: &[u8], len: usize) -> (u32, usize) {
        let io = self.io.expect("initialised");
        let n = len.max(60);
        let i = self.tx_index as usize;
        tx()[i][..len].copy_from_slice(&frame[..len]);
        tx()[i][len..n].fill(0); // zero-pad: the buffer may hold an older frame
        outl(io + 0x20 + 4 * i as u16, phys(tx()[i].as_ptr()));
        outl(io + 0x10 + 4 * i as u16, n as u32); // starts the transmission
        self.tx_index = (self.tx_index + 1) % TX_DESC as u32;
        (i as u32, n)
    }
}

impl Driver for Nic {
    fn reset(&mut self, _layer: &str) {
        *self = Nic::default();
    }

    fn op(&mut self, _layer: &str, op: &Op) -> Option<OpResult> {
        Some(match op.name() {
            "init" => match self.init() {
                None => fail("device", "rtl8139.init", "software reset did not complete (CR.RST still set)"),
                Some(base) => Ok(value(&[
                    ("ioBase", int(base as i64)),
                    ("rxBuffer", int(phys(rx().as_ptr()) as i64)),
                    ("txBuffers", Json::Arr(tx().iter().map(|b| int(phys(b.as_ptr()) as i64)).collect())),
                ])),
            },
            "read-mac" => {
                let mac: Vec<u8> = match self.io { Some(io) => (0..6).map(|i| inb(io + i)).collect(), None => vec![0; 6] };
                Ok(value(&[("mac", hex(&mac))]))
            }
            "poll" => match if op.has("buffer") { op.int("buffer", 0, 0x10000) } else { Some(2048) } {
                None => fail("invalid-argument", "poll", "'buffer' must be an integer in 0..65536"),
                Some(cap) => {
                    let f = self.receive(cap as usize);
                    Ok(value(&[("length", int(f.len() as i64)), ("frame", hex(&f))]))
                }
            },
            "send" => {
                let Some(frame) = op.bytes("frame") else { return Some(fail("invalid-argument", "send", "'frame' must be a hex string")) };
                let len = if op.has("len") { op.number("len") } else { Some(frame.len() as f64) };
                match len {
                    None => fail("invalid-argument", "send", "'len' must be a number"),
                    Some(_) if self.io.is_none() => fail("device", "rtl8139.send_frame", "driver not initialised"),
                    Some(l) if !(l >= 0.0) || l.fract() != 0.0 || l > 9.0e15 => fail("invalid-argument", "rtl8139.send_frame", "length is not a non-negative integer"),
                    Some(l) if l.max(60.0) > TX_BUF as f64 => fail("too-large", "rtl8139.send_frame", "Frame too large"),
                    Some(l) if l > frame.len() as f64 => fail("invalid-argument", "rtl8139.send_frame", "length exceeds the bytes supplied"),
                    Some(l) => {
                        let (d, n) = self.send(&frame, l as usize);
                        Ok(value(&[("descriptor", int(d as i64)), ("sendLen", int(n as i64))]))
                    }
                }
            }
            "driver-state" => Ok(value(&[("txIndex", int(self.tx_index as i64)), ("rxOffset", int(self.rx_offset as i64))])),
            _ => return None,
        })
    }
}

fn main() {
    // SAFETY: the statics live for the whole process and are used from this thread only.
    unsafe {
        dma_register(std::ptr::addr_of_mut!(RX_BUFFER) as *mut u8, RX_ALLOC);
        dma_register(std::ptr::addr_of_mut!(TX_BUFFERS) as *mut u8, TX_DESC * TX_BUF);
    }
    let statement = Statement { name: "r2net-rust-rtl8139", version: "0.1.0", profile: "seed", layers: &["nic"] };
    std::process::exit(serve(&statement, &mut Nic::default()));
}
