import { mutationSuite } from './suite.ts';

mutationSuite('kernel');
