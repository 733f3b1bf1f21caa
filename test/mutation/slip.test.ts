import { mutationSuite } from './suite.ts';

mutationSuite('slip');
