// The reference as an --impl module, so the adapter bench can measure the worker-thread boundary.
import { createReference } from '../src/iut/reference.ts';

export default createReference();
