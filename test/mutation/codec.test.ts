import { mutationSuite } from './suite.ts';

mutationSuite('codec');
