import { readFile, readdir, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';

/**
 * Which addresses a running process talks to, read from /proc (Linux): its socket inodes from
 * /proc/<pid>/fd and their ends from /proc/<pid>/net/{tcp,tcp6,udp,udp6}. Those tables list
 * the whole network namespace, so only the process's own inodes count.
 */
export type Protocol = 'tcp' | 'tcp6' | 'udp' | 'udp6';
export const protocols: readonly Protocol[] = ['tcp', 'tcp6', 'udp', 'udp6'];

export interface Endpoint {
  address: string;
  port: number;
}

export interface SocketEntry {
  protocol: Protocol;
  local: Endpoint;
  remote: Endpoint;
  /** Kernel state number in hex (01 ESTABLISHED, 02 SYN_SENT, 0A LISTEN, 07 UDP unconnected). */
  state: string;
  inode: number;
}

const littleEndian = endianness() === 'LE';

/** One 32-bit word as the kernel prints it (%08X of the host-order value) → 4 address bytes. */
function wordBytes(hex: string): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? bytes.reverse() : bytes;
}

/** "0100007F" → 127.0.0.1; 32 hex digits → an IPv6 address in full, lower-case form. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  if (hex.length !== 32) throw new Error(`not a /proc/net address: ${hex}`);
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function endpoint(field: string): Endpoint {
  const [hex = '', port = ''] = field.split(':');
  return { address: decodeAddress(hex), port: parseInt(port, 16) };
}

/** Parses the text of /proc/<pid>/net/<protocol> (header line first). */
export function parseProcNet(text: string, protocol: Protocol): SocketEntry[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 10)
    .map((f) => ({
      protocol,
      local: endpoint(f[1]!),
      remote: endpoint(f[2]!),
      state: f[3]!,
      inode: Number(f[9]),
    }));
}

const ipv4Loopback = /^127\.\d+\.\d+\.\d+$/;

function mappedIpv4(address: string): string | undefined {
  const groups = address.split(':');
  if (groups.length !== 8 || groups.slice(0, 5).some((g) => g !== '0') || groups[5] !== 'ffff')
    return undefined;
  const [hi = 0, lo = 0] = groups.slice(6).map((g) => parseInt(g, 16));
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isLoopback(address: string): boolean {
  if (ipv4Loopback.test(address)) return true;
  if (address === '0:0:0:0:0:0:0:1') return true;
  const v4 = mappedIpv4(address);
  return v4 !== undefined && ipv4Loopback.test(v4);
}

/** No peer: a listening socket or an unconnected UDP socket. */
export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '0:0:0:0:0:0:0:0';
}

/** Sockets whose peer is neither loopback nor absent: each one is egress. */
export function egressOf(entries: readonly SocketEntry[]): SocketEntry[] {
  return entries.filter((e) => !isUnspecified(e.remote.address) && !isLoopback(e.remote.address));
}

export function describeSocket(e: SocketEntry): string {
  return `${e.protocol} ${e.local.address}:${e.local.port} -> ${e.remote.address}:${e.remote.port} (state ${e.state})`;
}

const ignoreGone = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return undefined;
  throw e;
};

/** The process and every descendant (a launcher may run the program in a child). */
export async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const tasks = (await readdir(`/proc/${tree[i]}/task`).catch(ignoreGone)) ?? [];
    for (const task of tasks) {
      const text = await readFile(`/proc/${tree[i]}/task/${task}/children`, 'utf8').catch(
        ignoreGone,
      );
      for (const child of text?.split(/\s+/).filter(Boolean) ?? []) tree.push(Number(child));
    }
  }
  return tree;
}

export async function socketInodes(pid: number): Promise<Set<number>> {
  const inodes = new Set<number>();
  const fds = (await readdir(`/proc/${pid}/fd`).catch(ignoreGone)) ?? [];
  for (const fd of fds) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(ignoreGone);
    const m = link === undefined ? null : /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(Number(m[1]));
  }
  return inodes;
}

/** The sockets the process tree holds right now. */
export async function socketsOf(rootPid: number): Promise<SocketEntry[]> {
  const pids = await processTree(rootPid);
  const inodes = new Set<number>();
  for (const pid of pids) for (const inode of await socketInodes(pid)) inodes.add(inode);
  const found: SocketEntry[] = [];
  // One table read per process's namespace would do; the tree shares one here, read it once.
  for (const protocol of protocols) {
    const text = await readFile(`/proc/${rootPid}/net/${protocol}`, 'utf8').catch(ignoreGone);
    if (text !== undefined)
      found.push(...parseProcNet(text, protocol).filter((e) => inodes.has(e.inode)));
  }
  return found;
}

/**
 * Scans the process tree's sockets every `intervalMs` until stopped; returns every distinct
 * socket seen and how many scans ran.
 */
export function watchSockets(rootPid: number, intervalMs = 20) {
  const seen = new Map<string, SocketEntry>();
  let scans = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const e of await socketsOf(rootPid)) seen.set(`${e.inode} ${describeSocket(e)}`, e);
      scans++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { scans, sockets: [...seen.values()] };
    },
  };
}
