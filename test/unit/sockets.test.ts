/**
 * The egress detector the egress e2e test relies on: /proc/net parsing, the loopback rule,
 * and the scan of a live process's own sockets.
 */
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  decodeAddress,
  describeSocket,
  egressOf,
  isLoopback,
  parseProcNet,
  socketsOf,
} from '../support/sockets.ts';

// Lines as Linux prints them (x86-64, little-endian), header included.
const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:B401 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 192887 1 00000000958bfb70 100 0 0 10 0
   1: 0100007F:9C40 0100007F:0FA0 01 00000000:00000000 00:00000000 00000000     0        0 194800 1 000000006ac9ed05 20 4 30 10 -1
   2: 0F02000A:A1B2 FEA9FEA9:0050 02 00000001:00000000 01:00000064 00000002     0        0 194801 1 000000006ac9ed06 100 0 0 10 -1
   3: 0100007F:0FA0 0100007F:9C40 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
`;
const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1111 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6660 1 000000002d0154f8 100 0 0 10 0
   1: 00000000000000000000000001000000:C350 00000000000000000000000001000000:1F90 01 00000000:00000000 00:00000000 00000000     0        0 6661 1 000000002d0154f9 20 4 30 10 -1
   2: 0000000000000000FFFF00000100007F:C351 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 6662 1 000000002d0154fa 20 4 30 10 -1
   3: 0000000000000000FFFF00000F02000A:C352 0000000000000000FFFF0000FEA9FEA9:0050 02 00000001:00000000 01:00000064 00000002     0        0 6663 1 000000002d0154fb 100 0 0 10 -1
   4: 00000000000000000000000000000000:C353 B80D0120000000000000000001000000:01BB 02 00000001:00000000 01:00000064 00000002     0        0 6664 1 000000002d0154fc 100 0 0 10 -1
`;
const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 7001 2 0000000012345678 0
  101: 0F02000A:D431 35FFFF0A:0035 01 00000000:00000000 00:00000000 00000000     0        0 7002 2 0000000012345679 0
`;

describe('/proc/net parsing', () => {
  it('decodes IPv4 and IPv6 addresses as the kernel prints them', () => {
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('FEA9FEA9')).toBe('169.254.169.254');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('0:0:0:0:0:0:0:1');
    expect(decodeAddress('0000000000000000FFFF00000100007F')).toBe('0:0:0:0:0:ffff:7f00:1');
    expect(decodeAddress('B80D0120000000000000000001000000')).toBe('2001:db8:0:0:0:0:0:1');
  });

  it('reads local and remote ends, state and inode of every line', () => {
    const entries = parseProcNet(tcp, 'tcp');
    expect(entries).toHaveLength(4);
    expect(entries[1]).toEqual({
      protocol: 'tcp',
      local: { address: '127.0.0.1', port: 40000 },
      remote: { address: '127.0.0.1', port: 4000 },
      state: '01',
      inode: 194800,
    });
    expect(entries[2]!.remote).toEqual({ address: '169.254.169.254', port: 80 });
  });

  it('counts loopback (127/8, ::1, IPv4-mapped 127/8) as loopback and nothing else', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('0:0:0:0:0:0:0:1')).toBe(true);
    expect(isLoopback('0:0:0:0:0:ffff:7f00:1')).toBe(true);
    expect(isLoopback('10.0.2.15')).toBe(false);
    expect(isLoopback('169.254.169.254')).toBe(false);
    expect(isLoopback('0:0:0:0:0:ffff:a9fe:a9fe')).toBe(false);
    expect(isLoopback('2001:db8:0:0:0:0:0:1')).toBe(false);
  });

  it('reports every socket with a non-loopback peer as egress, and no other', () => {
    const entries = [
      ...parseProcNet(tcp, 'tcp'),
      ...parseProcNet(tcp6, 'tcp6'),
      ...parseProcNet(udp, 'udp'),
    ];
    expect(egressOf(entries).map(describeSocket)).toEqual([
      'tcp 10.0.2.15:41394 -> 169.254.169.254:80 (state 02)',
      'tcp6 0:0:0:0:0:ffff:a00:20f:50002 -> 0:0:0:0:0:ffff:a9fe:a9fe:80 (state 02)',
      'tcp6 0:0:0:0:0:0:0:0:50003 -> 2001:db8:0:0:0:0:0:1:443 (state 02)',
      'udp 10.0.2.15:54321 -> 10.255.255.53:53 (state 01)',
    ]);
  });
});

describe('scanning a live process', () => {
  it("sees this process's own loopback connection, both ends, by its socket inodes", async () => {
    const accepted: Socket[] = [];
    const server = createServer((s) => accepted.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    try {
      const mine = await socketsOf(process.pid);
      const toServer = mine.filter((e) => e.protocol === 'tcp' && e.remote.port === port);
      expect(toServer.map((e) => e.remote.address)).toEqual(['127.0.0.1']);
      expect(mine.some((e) => e.local.port === port && e.state === '0A')).toBe(true);
      expect(egressOf(mine.filter((e) => e.remote.port === port))).toEqual([]);
    } finally {
      client.destroy();
      for (const s of accepted) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
