// The one error shape of the reference: every layer returns Result<T> instead of throwing,
// so malformed input always surfaces as data a property (or a trace) can inspect.

export type ErrorKind =
  | 'truncated' // fewer bytes than the header or a length field needs
  | 'malformed' // a field holds a value the format does not allow
  | 'too-large' // over a documented size limit
  | 'unsupported' // valid but outside what this stack implements
  | 'invalid-argument' // a caller passed something out of range
  | 'protocol' // a sequence error (SLIP escape, TCP transition)
  | 'device'; // hardware/driver refused (no device, busy)

export interface StackError {
  kind: ErrorKind;
  /** Which component raised it, e.g. 'ipv4.parse', 'rtl8139.send_frame'. */
  where: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: StackError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const err = <T = never>(kind: ErrorKind, where: string, message: string): Result<T> => ({
  ok: false,
  error: { kind, where, message },
});
