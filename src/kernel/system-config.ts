// SYSTEM_CONFIG: the kernel's cached network identity. In r2 both fields start zeroed; the MAC
// is filled in when the global driver registers (netdrv reads it from the NIC once, so 0x38 can
// report it without probing PCI again) and the IP is set by configuration.
export const MAC_LEN = 6;
export const IP_LEN = 4;

export class SystemConfig {
  mac = new Uint8Array(MAC_LEN);
  ip = new Uint8Array(IP_LEN);

  constructor(ip?: Uint8Array) {
    if (ip) this.setIp(ip);
  }

  setMac(mac: Uint8Array): void {
    this.mac = new Uint8Array(MAC_LEN);
    this.mac.set(mac.subarray(0, MAC_LEN));
  }

  setIp(ip: Uint8Array): void {
    this.ip = new Uint8Array(IP_LEN);
    this.ip.set(ip.subarray(0, IP_LEN));
  }
}
