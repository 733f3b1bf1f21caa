// Every property definition, from every layer. The runners take this list as it is.
import type { PropertyDef } from '../src/runner/property.ts';
import { checksumProperties } from './codec/checksum.ts';
import { linkProperties } from './codec/link.ts';
import { ipv4Properties } from './codec/ipv4.ts';
import { transportProperties } from './codec/transport.ts';
import { tcpStateProperties } from './codec/tcp-state.ts';
import { builderProperties } from './codec/builders.ts';
import { slipProperties } from './slip/slip.ts';
import { vectorProperties } from './codec/vectors.ts';
import { slipVectorProperties } from './slip/vectors.ts';
import { nicProperties } from './nic/index.ts';
import { serialProperties } from './serial/serial.ts';
import { kernelProperties } from './kernel/index.ts';

export const allProperties: PropertyDef[] = [
  ...checksumProperties,
  ...linkProperties,
  ...ipv4Properties,
  ...transportProperties,
  ...tcpStateProperties,
  ...builderProperties,
  ...slipProperties,
  ...vectorProperties,
  ...slipVectorProperties,
  ...nicProperties,
  ...serialProperties,
  ...kernelProperties,
];
