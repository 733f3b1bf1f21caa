// One scenario on the reference models and on QEMU, both traces printed (the evidence of
// spec/hardware/qemu.json): npx tsx scripts/qemu-trace.ts '{"layer":"nic","ops":[...]}'
import { createReference } from '../src/iut/reference.ts';
import { createQemuReference } from '../src/iut/qemu.ts';

const scenario = JSON.parse(process.argv[2] ?? '');
const qemu = createQemuReference();
try {
  console.log(JSON.stringify({ reference: createReference().execute(scenario), qemu: qemu.execute(scenario) }, null, 1));
} finally {
  qemu.close();
}
