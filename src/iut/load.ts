// Resolves `--impl` to an Implementation: the built-in reference, or a module exporting one
// (default export, `implementation`, or a `createImplementation()` factory).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImplementationError, isImplementation, type Implementation } from './contract.ts';
import { createReference } from './reference.ts';

export async function loadImplementation(spec: string | undefined): Promise<Implementation> {
  if (!spec || spec === 'reference') return createReference();
  const path = resolve(spec);
  if (!existsSync(path)) {
    throw new ImplementationError(`--impl ${spec}: no such module file (${path})`, 'load');
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ImplementationError(`--impl ${spec}: the module failed to load: ${(e as Error).message}`, 'load');
  }
  for (const candidate of [mod.default, mod.implementation]) if (isImplementation(candidate)) return candidate;
  for (const f of [mod.createImplementation, mod.default]) {
    if (typeof f === 'function') {
      const made = await (f as () => unknown)();
      if (isImplementation(made)) return made;
    }
  }
  throw new ImplementationError(
    `--impl ${spec}: the module exports no implementation. Export { statement, execute } as default or 'implementation', or a createImplementation() factory (see README "Plug in an implementation").`,
    'load',
  );
}
