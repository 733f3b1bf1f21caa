// The reference protocol helpers: pure, stateless (except the SLIP decoder and the TCP
// connection objects, whose state is their own), never throwing on bad input.
export * from './checksum.ts';
export * from './ethernet.ts';
export * from './arp.ts';
export * from './ipv4.ts';
export * from './icmp.ts';
export * from './tcp.ts';
export * from './tcp-connection.ts';
export * from './udp.ts';
export * from './slip.ts';
export { MAC_LEN, IPV4_ADDR_LEN } from './fields.ts';
