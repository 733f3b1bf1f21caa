// Fixed byte vectors from independent public sources, as data, so unit tests and property
// suites can share them. Every vector names where its bytes come from; the bytes were
// transcribed from that source (spaces removed), never produced by this project's code.
// Addresses are written as 'aa:bb:cc:dd:ee:ff' and dotted quads; other byte strings as hex.

export interface Sourced {
  id: string;
  /** Publication and place in it. */
  source: string;
  /** Where the text was read. */
  url: string;
  note?: string;
}

// ---------------------------------------------------------------------------------------
// Internet checksum

export interface ChecksumVector extends Sourced {
  hex: string;
  /** Folded one's-complement sum (not complemented). */
  sum: number;
  checksum: number;
}

export const CHECKSUM_VECTORS: ChecksumVector[] = [
  {
    id: 'rfc1071-s3',
    // RFC 1071 §3 "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7; the big-endian sum
    // 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2; checksum = ~ddf2 = 220d.
    source: 'RFC 1071 §3 (Numerical Examples)',
    url: 'https://www.rfc-editor.org/rfc/rfc1071#section-3',
    hex: '0001f203f4f5f6f7',
    sum: 0xddf2,
    checksum: 0x220d,
  },
];

export interface Ipv4HeaderChecksumVector extends Sourced {
  /** A 20-byte header including its checksum. */
  hex: string;
  checksum: number;
}

export const IPV4_HEADER_CHECKSUM_VECTORS: Ipv4HeaderChecksumVector[] = [
  {
    id: 'wikipedia-ipv4-header-checksum',
    // Wikipedia, "IPv4 header checksum", worked example: 4500 0073 0000 4000 4011 b861
    // c0a8 0001 c0a8 00c7; sum without the checksum 2479c -> 479e; NOT 479e = b861.
    source: 'Wikipedia, "IPv4 header checksum" (Calculating the IPv4 header checksum)',
    url: 'https://en.wikipedia.org/wiki/IPv4_header_checksum',
    hex: '45000073000040004011b861c0a80001c0a800c7',
    checksum: 0xb861,
    note: 'Header only: total_length 0x73 = 115 announces 95 payload bytes the example does not show.',
  },
  {
    id: 'orbit-lab-ipv4-header-checksum',
    // ORBIT lab wiki, crkit "ip example", Checksum Calculation (source: wikipedia):
    // 4500 0030 4422 4000 8006 0000 8c7c 19ac ae24 1e2b -> 2bbcf -> bbd1 -> 442e.
    source: 'ORBIT lab wiki, crkit R3_arch ip example, "Checksum Calculation (source: wikipedia)"',
    url: 'http://wiser.orbit-lab.org/wiki/crkit/Software/Firmware/Framework/R3_arch/ip/example',
    hex: '45000030442240008006442e8c7c19acae241e2b',
    checksum: 0x442e,
    note: 'Header only: total_length 0x30 = 48.',
  },
];

// ---------------------------------------------------------------------------------------
// Whole packets, decoded layer by layer

export interface PacketVector extends Sourced {
  /** Outermost header of `hex`. */
  outer: 'ethernet' | 'ipv4';
  hex: string;
  expect: {
    ethernet?: { dst: string; src: string; etherType: number; payloadLength: number };
    arp?: { op: number; senderMac: string; senderIp: string; targetMac: string; targetIp: string };
    ipv4?: {
      versionIhl: number;
      dscpEcn: number;
      totalLength: number;
      identification: number;
      flagsFragment: number;
      ttl: number;
      protocol: number;
      checksum: number;
      src: string;
      dst: string;
      checksumOk: boolean;
    };
    icmp?: { type: number; code: number; checksum: number; identifier: number; sequence: number; payload: string; checksumOk: boolean };
    tcp?: {
      srcPort: number;
      dstPort: number;
      seq: number;
      ack: number;
      dataOffset: number;
      flags: number;
      window: number;
      checksum: number;
      urgent: number;
      options: string;
      payload: string;
      checksumOk: boolean;
    };
    udp?: { srcPort: number; dstPort: number; length: number; checksum: number; payload: string; checksumOk: boolean };
  };
}

const seq = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => (from + i).toString(16).padStart(2, '0')).join('');

export const PACKET_VECTORS: PacketVector[] = [
  {
    id: 'jpcap-icmp-echo-request',
    // jpcap 0.01.14 (Patrick Charles), docs/ethernet/ip/icmp/echoRequest.txt, rev 1.1
    // 2001/05/24: a ping of 127.0.0.1 captured on the loopback (all-zero MACs), with the
    // author's field-by-field decoding next to it.
    source: 'jpcap 0.01.14 docs/ethernet/ip/icmp/echoRequest.txt ("ICMP Echo Request decoded")',
    url: 'https://sourceforge.net/projects/jpcap/ (file read from a mirror of the jpcap-0.01.14 tarball)',
    outer: 'ethernet',
    hex:
      '000000000000000000000000080045000054001000004001' +
      '7c977f0000017f000001' +
      '08003bf6f7030000' +
      '68c8053b60ff0b00' +
      seq(0x08, 0x37),
    expect: {
      ethernet: { dst: '00:00:00:00:00:00', src: '00:00:00:00:00:00', etherType: 0x0800, payloadLength: 84 },
      ipv4: {
        versionIhl: 0x45,
        dscpEcn: 0,
        totalLength: 84,
        identification: 0x0010,
        flagsFragment: 0,
        ttl: 64,
        protocol: 1,
        checksum: 0x7c97,
        src: '127.0.0.1',
        dst: '127.0.0.1',
        checksumOk: true,
      },
      icmp: {
        type: 8,
        code: 0,
        checksum: 0x3bf6,
        identifier: 0xf703,
        sequence: 0,
        payload: '68c8053b60ff0b00' + seq(0x08, 0x37),
        checksumOk: true,
      },
    },
    note: 'The decoding names bytes 4..7 "struct timeval"; as an echo they are identifier 0xf703, sequence 0.',
  },
  {
    id: 'mynetwatchman-arp-request',
    // myNetWatchman knowledge base, "goodarp" (Lawrence Baldwin, 2001): Frame 7, a 60-byte
    // broadcast ARP request for 172.16.1.50 from 172.16.1.101 with 18 bytes of padding.
    source: 'myNetWatchman NetKb "ARP/goodarp": Frame 7 (normal ARP request)',
    url: 'http://www.mynetwatchman.com/kb/NetKb/ARP/goodarp.htm',
    outer: 'ethernet',
    hex:
      'ffffffffffff00a0c922b2100806' +
      '0001080006040001' +
      '00a0c922b210ac100165' +
      '000000000000ac100132' +
      '00'.repeat(18),
    expect: {
      ethernet: { dst: 'ff:ff:ff:ff:ff:ff', src: '00:a0:c9:22:b2:10', etherType: 0x0806, payloadLength: 46 },
      arp: { op: 1, senderMac: '00:a0:c9:22:b2:10', senderIp: '172.16.1.101', targetMac: '00:00:00:00:00:00', targetIp: '172.16.1.50' },
    },
  },
  {
    id: 'mayfield-tcp-ack-timestamp',
    // Mark Mayfield, "TCP/IP header table: Checksum" page: an IPv4 + TCP ACK (port 44831 ->
    // 80) with NOP NOP Timestamp options (data offset 8), header checksum 4eb6, TCP 37a6.
    source: 'Mark Mayfield, header table page "Checksum" (sample IPv4/TCP header dump)',
    url: 'https://mark.kandm-solutions.com/mmayfield/index.php?page=headertable&page2=checksum',
    outer: 'ipv4',
    hex: '45000034eda5400040064eb6ac16686d4a7d9f67' + 'af1f0050e8338b62fc13da668010005c37a60000' + '0101080a04b866f74add9045',
    expect: {
      ipv4: {
        versionIhl: 0x45,
        dscpEcn: 0,
        totalLength: 52,
        identification: 0xeda5,
        flagsFragment: 0x4000,
        ttl: 64,
        protocol: 6,
        checksum: 0x4eb6,
        src: '172.22.104.109',
        dst: '74.125.159.103',
        checksumOk: true,
      },
      tcp: {
        srcPort: 0xaf1f,
        dstPort: 80,
        seq: 0xe8338b62,
        ack: 0xfc13da66,
        dataOffset: 8,
        flags: 0x10,
        window: 0x005c,
        checksum: 0x37a6,
        urgent: 0,
        options: '0101080a04b866f74add9045',
        payload: '',
        checksumOk: true,
      },
    },
  },
  {
    id: 'bhodisoft-udp-dns-query',
    // "Decyphering IP Packets: UDP" (Golden_Eternity, 2001): tcpdump of a DNS query for
    // www.bhodisoft.com from 10.0.0.2:1032 to 10.0.0.1:53, marked "[udp sum ok]"; odd
    // UDP length 43, checksum e71a.
    source: 'bhodisoft.com "Decyphering IP Packets: UDP" (DNS Lookup, Query)',
    url: 'http://old.bhodisoft.com/tech/nhf/udp-packets.html',
    outer: 'ipv4',
    hex:
      '4500003fd9a0400040114d0b0a0000020a000001' +
      '04080035002be71a' +
      '5f5f01000001000000000000037777770962686f6469736f667403636f6d0000010001',
    expect: {
      ipv4: {
        versionIhl: 0x45,
        dscpEcn: 0,
        totalLength: 63,
        identification: 0xd9a0,
        flagsFragment: 0x4000,
        ttl: 64,
        protocol: 17,
        checksum: 0x4d0b,
        src: '10.0.0.2',
        dst: '10.0.0.1',
        checksumOk: true,
      },
      udp: {
        srcPort: 1032,
        dstPort: 53,
        length: 43,
        checksum: 0xe71a,
        payload: '5f5f01000001000000000000037777770962686f6469736f667403636f6d0000010001',
        checksumOk: true,
      },
    },
  },
];

/**
 * The reply to `mynetwatchman-arp-request`, as the same page decodes Frame 8 (its hex dump
 * is not reproduced here): the owner of 172.16.1.50, MAC 00:90:27:3c:66:e1, answers.
 */
export const ARP_REPLY_VECTOR = {
  id: 'mynetwatchman-arp-reply',
  source: 'myNetWatchman NetKb "ARP/goodarp": Frame 8 (normal ARP reply), decoded fields',
  url: 'http://www.mynetwatchman.com/kb/NetKb/ARP/goodarp.htm',
  requestId: 'mynetwatchman-arp-request',
  replierMac: '00:90:27:3c:66:e1',
  expect: {
    ethernet: { dst: '00:a0:c9:22:b2:10', src: '00:90:27:3c:66:e1', etherType: 0x0806 },
    arp: { op: 2, senderMac: '00:90:27:3c:66:e1', senderIp: '172.16.1.50', targetMac: '00:a0:c9:22:b2:10', targetIp: '172.16.1.101' },
  },
} as const;

// ---------------------------------------------------------------------------------------
// SLIP

export interface SlipVector extends Sourced {
  /** The datagram. */
  decoded: string;
  /** Its SLIP encoding, leading and trailing END included. */
  encoded: string;
}

export const SLIP_VECTORS: SlipVector[] = [
  {
    id: 'sysadmin-1994-slip-packet',
    // Sys Admin magazine vol. 3 no. 1 (Jan 1994), Figure 4 "Overview of a SLIP packet": a
    // SLIP-framed IPv4 datagram whose source address 128.127.30.192 and destination
    // 128.127.2.219 hold an END (C0 -> DB DC) and an ESC (DB -> DB DD).
    source: 'Sys Admin magazine v03 i01, article 1, Figure 4 "Overview of a SLIP packet"',
    url: 'http://theweeks.org/xcssa/files/sys-admin_V8/html/v03/i01/a1_f4.htm',
    // The figure's four lines, as printed:
    encoded:
      'c0450000540001000040015891807f1e' +
      'dbdc807f02dbdd08000dfbea03000100' +
      '00000000000000000000000000000000' +
      '000000000000000000000000000000c0',
    decoded: '450000540001000040015891807f1e' + 'c0807f02db08000dfbea03000100' + '00'.repeat(31),
    note:
      'The figure abbreviates the packet: 60 bytes are shown though total_length says 84, and the ' +
      'header checksum 0x5891 does not verify. Use it for SLIP framing only.',
  },
  {
    id: 'rfc1055-escapes',
    // RFC 1055 "Protocol": "If a data byte is the same code as END character, a two byte
    // sequence of ESC and octal 334 (decimal 220) is sent instead. If it the same as an ESC
    // character, an two byte sequence of ESC and octal 335 (decimal 221) is sent instead."
    // With Phil Karn's END before the packet, as RFC 1055 recommends.
    source: 'RFC 1055 (Protocol), encoding written out from its description',
    url: 'https://www.rfc-editor.org/rfc/rfc1055',
    decoded: '01c002db03',
    encoded: 'c001dbdc02dbdd03c0',
  },
];
