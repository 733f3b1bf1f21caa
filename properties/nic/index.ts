// Every property of the `nic` layer (RTL8139 device model + rtl8139 driver, spec/clauses/nic.json).
import { nicRxProperties } from './rx.ts';
import { nicRxFilterProperties } from './rx-filter.ts';
import { nicTxProperties } from './tx.ts';
import { nicInitProperties } from './init.ts';
import { nicModelProperties } from './model.ts';
import { nicRegisterProperties } from './registers.ts';
import { nicRingLengthProperties } from './rx-ring-length.ts';
import { nicBusDecodingProperties } from './bus-decoding.ts';
import { nicPortProperties } from './ports.ts';
import { nicPciConfigProperties } from './pci-config.ts';
import { nicBackPressureProperties } from './rx-back-pressure.ts';

export const nicProperties = [...nicInitProperties, ...nicRxProperties, ...nicRxFilterProperties, ...nicTxProperties, ...nicModelProperties, ...nicRegisterProperties, ...nicRingLengthProperties, ...nicBusDecodingProperties, ...nicPortProperties, ...nicPciConfigProperties, ...nicBackPressureProperties];
