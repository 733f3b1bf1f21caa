// The firmware QEMU boots when r2net drives its devices from outside: a 64 KiB image whose
// reset vector (offset 0xFFF0) parks the CPU at once (cli; hlt; jmp back to the hlt), so no
// guest code runs and nothing but r2net touches the devices (shared/qemu-notes.md). Written
// into the run's temporary directory; nothing else of a BIOS is needed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const IMAGE_BYTES = 0x10000;
const RESET_VECTOR = 0xfff0;
/** cli; hlt; jmp -3 (back to the hlt). */
const PARK = [0xfa, 0xf4, 0xeb, 0xfd];

export function parkingFirmware(): Uint8Array {
  const image = new Uint8Array(IMAGE_BYTES);
  image.set(PARK, RESET_VECTOR);
  return image;
}

/** Writes the image into `dir` and returns its path. */
export function writeParkingFirmware(dir: string): string {
  const path = join(dir, 'park.bin');
  writeFileSync(path, parkingFirmware());
  return path;
}
