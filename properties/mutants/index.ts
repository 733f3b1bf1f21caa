// Every deliberately wrong implementation, from every layer.
import type { Mutant } from './mutant.ts';

export const allMutants: Mutant[] = [];
