// Every deliberately wrong implementation, from every layer.
import type { Mutant } from './mutant.ts';
import { codecMutants } from './codec.ts';
import { slipMutants } from './slip.ts';
import { nicMutants } from './nic.ts';
import { serialMutants } from './serial.ts';
import { uartMutants } from './uart.ts';
import { hwBusMutants } from './hw-bus.ts';
import { kernelMutants } from './kernel.ts';
import { kernelPortioMutants } from './kernel-portio.ts';
import { kernelLifetimeMutants } from './kernel-lifetimes.ts';
import { kernelRoutingMutants } from './kernel-routing.ts';
import { kernelTransmitMutants } from './kernel-transmit.ts';
import { kernelHazardMutants } from './kernel-hazards.ts';

export const allMutants: Mutant[] = [...codecMutants, ...slipMutants, ...nicMutants, ...hwBusMutants, ...serialMutants, ...uartMutants, ...kernelMutants, ...kernelRoutingMutants, ...kernelPortioMutants, ...kernelLifetimeMutants, ...kernelTransmitMutants, ...kernelHazardMutants];
