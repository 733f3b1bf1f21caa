import { mutationSuite } from './suite.ts';

mutationSuite('serial');
