/** Counts API calls by method and path (not by full URL), so memory stays bounded. */
export class CallLog {
  private readonly counts = new Map<string, number>();
  /** The W3C traceparent of the latest calls that sent one, oldest first (tracing tests). */
  readonly traceparents: string[] = [];

  record(method: string, path: string, traceparent?: string): void {
    const key = `${method} ${path}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (traceparent === undefined) return;
    this.traceparents.push(traceparent);
    if (this.traceparents.length > 20) this.traceparents.shift();
  }

  count(filter: { pathPrefix?: string; method?: string } = {}): number {
    let total = 0;
    for (const [key, count] of this.counts) {
      const space = key.indexOf(' ');
      const method = key.slice(0, space);
      const path = key.slice(space + 1);
      if (filter.method !== undefined && filter.method.toUpperCase() !== method) continue;
      if (filter.pathPrefix !== undefined && !path.startsWith(filter.pathPrefix)) continue;
      total += count;
    }
    return total;
  }

  reset(): void {
    this.counts.clear();
    this.traceparents.length = 0;
  }
}
