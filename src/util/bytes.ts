// Byte helpers shared by every layer. Bytes cross the IUT contract as lowercase hex strings.

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses hex (whitespace and ':' ignored). Returns undefined for odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array | undefined {
  // Buffer.from stops at the first character that is not a hex digit pair: when it decoded
  // the whole string, the string was clean hex (the usual case: no regular expressions).
  const fast = Buffer.from(hex, 'hex');
  const clean = fast.length * 2 === hex.length ? undefined : hex.replace(/[\s:]/g, '');
  if (clean !== undefined && (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean))) return undefined;
  const b = clean === undefined ? fast : Buffer.from(clean, 'hex');
  return new Uint8Array(b.buffer, b.byteOffset, b.length); // a plain Uint8Array over the decoded bytes
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const readU16BE = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
export const readU32BE = (b: Uint8Array, at: number): number =>
  (((b[at] ?? 0) << 24) >>> 0) + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));

export function writeU16BE(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

export function writeU32BE(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

export const formatMac = (m: Uint8Array): string => Array.from(m, (x) => x.toString(16).padStart(2, '0')).join(':');
export const formatIp = (ip: Uint8Array): string => Array.from(ip).join('.');
