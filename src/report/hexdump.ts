// Hexdump rows for counterexample bytes: offset, 16 bytes in two groups of 8, printable ASCII.
// The text form is for terminals and Markdown; the HTML report renders the same rows itself so
// it can colour each byte by the protocol header it belongs to.

export const HEXDUMP_WIDTH = 16;

export interface HexdumpRow {
  offset: number;
  /** Indexes into the dumped bytes: [start, end). */
  start: number;
  end: number;
}

export function hexdumpRows(length: number, width = HEXDUMP_WIDTH): HexdumpRow[] {
  const rows: HexdumpRow[] = [];
  for (let at = 0; at < length; at += width) rows.push({ offset: at, start: at, end: Math.min(length, at + width) });
  return rows;
}

export const hexByte = (b: number): string => b.toString(16).padStart(2, '0');
export const hexOffset = (n: number): string => n.toString(16).padStart(4, '0');
/** The ASCII column: printable 0x20..0x7e as is, everything else '.'. */
export const asciiChar = (b: number): string => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.');

/** `0000  45 00 00 1c 00 00 40 00  40 01 ...  |E.....@.@.|` lines, at most `max` bytes. */
export function hexdumpText(bytes: Uint8Array, max = 4096): string {
  const shown = bytes.subarray(0, max);
  const lines = hexdumpRows(shown.length).map((r) => {
    const cells: string[] = [];
    for (let i = 0; i < HEXDUMP_WIDTH; i++) {
      const b = r.start + i < r.end ? shown[r.start + i] : undefined;
      cells.push(b === undefined ? '  ' : hexByte(b));
      if (i === 7) cells.push('');
    }
    const ascii = Array.from(shown.subarray(r.start, r.end), asciiChar).join('');
    return `${hexOffset(r.offset)}  ${cells.join(' ')}  |${ascii}|`;
  });
  if (bytes.length > max) lines.push(`… ${bytes.length - max} more bytes`);
  return lines.join('\n');
}
