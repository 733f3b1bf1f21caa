import { mutationSuite } from './suite.ts';

mutationSuite('nic');
