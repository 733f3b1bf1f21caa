// Builds src/codec/wasm/codec.wasm from codec.wat with wabt (wat2wasm compiled to JS; a
// devDependency, so run time needs no toolchain). `npm run build:wasm` writes the file;
// test/codec/wasm.test.ts calls buildCodecWasm() and checks the committed binary is the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const WAT_PATH = fileURLToPath(new URL('../src/codec/wasm/codec.wat', import.meta.url));
export const WASM_PATH = fileURLToPath(new URL('../src/codec/wasm/codec.wasm', import.meta.url));

type Wabt = typeof import('wabt') extends () => Promise<infer W> ? W : never;

/** The binary codec.wat compiles to: SIMD enabled, no names section, so the bytes depend on the source only. */
export async function buildCodecWasm(): Promise<Uint8Array> {
  const init = createRequire(import.meta.url)('wabt') as () => Promise<Wabt>;
  const wabt = await init();
  const mod = wabt.parseWat('codec.wat', readFileSync(WAT_PATH, 'utf8'), { simd: true });
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bin = await buildCodecWasm();
  writeFileSync(WASM_PATH, bin);
  console.log(`wrote ${WASM_PATH} (${bin.length} bytes)`);
}
