// Every property definition, from every layer. The runners take this list as it is.
import type { PropertyDef } from '../src/runner/property.ts';

export const allProperties: PropertyDef[] = [];
