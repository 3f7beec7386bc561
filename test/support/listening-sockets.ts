/**
 * The TCP sockets this process listens on, read from Linux's /proc (so a port nobody registered
 * shows too), and whether another address of this machine can connect to a port.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

export interface ListeningSocket {
  address: string;
  port: number;
}

/** Undefined where /proc is missing (not Linux). */
export function listeningSockets(): ListeningSocket[] | undefined {
  if (!existsSync('/proc/self/fd') || !existsSync('/proc/net/tcp')) return undefined;
  const ownInodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (socket) ownInodes.add(socket[1] as string);
    } catch {
      // The descriptor closed while being read.
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local = '', , state, , , , , , inode = ''] = line.trim().split(/\s+/);
      const LISTEN = '0A';
      if (state !== LISTEN || !ownInodes.has(inode)) continue;
      const [hexAddress = '', hexPort = ''] = local.split(':');
      sockets.push({ address: procAddress(hexAddress), port: Number.parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

/** /proc writes addresses as 32-bit words in host (little-endian) order. */
function procAddress(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((word) => Buffer.from(word, 'hex').reverse());
  return ipaddr.fromByteArray([...Buffer.concat(words)]).toString();
}

/** This machine's addresses other than loopback, link-local IPv6 ones with their zone. */
export function nonLoopbackAddresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? [])
      .filter((info) => !info.internal)
      .map((info) =>
        info.family === 'IPv6' && info.address.startsWith('fe80:') ? `${info.address}%${name}` : info.address,
      ),
  );
}

export type ConnectOutcome = 'refused' | 'accepted' | 'timed out' | `failed: ${string}`;

export function tryConnect(host: string, port: number, timeoutMs = 2000): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ConnectOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done('timed out'));
    socket.once('connect', () => done('accepted'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : `failed: ${error.code ?? error.message}`),
    );
  });
}
