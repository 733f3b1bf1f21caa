// Every kernel property: the model-based runs over the whole machine, 0x33's builds, the
// driver without a NIC, random syscalls, and the §9 hazards.
import type { PropertyDef } from '../../src/runner/property.ts';
import { kernelModelProperties } from './machine.ts';
import { kernelBuildProperties } from './build.ts';
import { kernelMiscProperties } from './misc.ts';
import { kernelHazardProperties } from './hazards.ts';
import { kernelPortioProperties } from './portio.ts';
import { kernelPortioHazardProperties } from './hazards-portio.ts';
import { kernelPortioEdgeProperties } from './portio-edges.ts';
import { kernelTransmitEdgeProperties } from './transmit-edges.ts';
import { kernelLifetimeProperties } from './lifetimes.ts';
import { kernelLifetimeHazardProperties } from './hazards-lifetimes.ts';
import { kernelHazardCountProperties } from './hazard-counts.ts';
import { kernelNicResetProperties } from './nic-reset.ts';
import { kernelRoutingEdgeProperties } from './routing-edges.ts';
import { kernelRingLongRunProperties } from './ring-long-run.ts';

export const kernelProperties: PropertyDef[] = [...kernelModelProperties, ...kernelBuildProperties, ...kernelMiscProperties, ...kernelHazardProperties, ...kernelPortioProperties, ...kernelPortioHazardProperties, ...kernelPortioEdgeProperties, ...kernelTransmitEdgeProperties, ...kernelLifetimeProperties, ...kernelLifetimeHazardProperties, ...kernelHazardCountProperties, ...kernelNicResetProperties, ...kernelRoutingEdgeProperties, ...kernelRingLongRunProperties];
