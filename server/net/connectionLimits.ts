/**
 * Concurrent WebSocket connections per client IP.
 *
 * A slot is taken when the upgrade is accepted and given back when the TCP
 * socket closes: the socket's 'close' fires whether the handshake then fails,
 * the client leaves, or the server terminates it, so no path leaks a slot.
 */
export class ConnectionLimits {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerIp: number) {}

  /** Take a slot for `ip`; returns its release function, or undefined when `ip` is at the cap. */
  acquire(ip: string): (() => void) | undefined {
    const count = this.open.get(ip) ?? 0;
    if (count >= this.maxPerIp) return undefined;
    this.open.set(ip, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.open.get(ip) ?? 1) - 1;
      if (remaining <= 0) this.open.delete(ip);
      else this.open.set(ip, remaining);
    };
  }

  count(ip: string): number {
    return this.open.get(ip) ?? 0;
  }

  /** Every IP holding connections, with its count. */
  entries(): IterableIterator<[string, number]> {
    return this.open.entries();
  }

  /** Connections held across all IPs. */
  get total(): number {
    let total = 0;
    for (const count of this.open.values()) total += count;
    return total;
  }
}
