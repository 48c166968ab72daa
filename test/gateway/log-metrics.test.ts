import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/log/index.ts';
import { Registry } from '../../src/shared/metrics/index.ts';

describe('structured logger', () => {
  it('writes one JSON object per line at or above LOG_LEVEL, nothing when silent', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (l) => lines.push(l));
    log.debug('d');
    log.info('i');
    log.warn('w', { requestId: 'r1' });
    log.error('e');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['w', 'e']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'w', requestId: 'r1' });
    expect(Date.parse(JSON.parse(lines[0]!).time)).not.toBeNaN();

    const silent: string[] = [];
    createLogger('silent', (l) => silent.push(l)).error('never');
    expect(silent).toEqual([]);
  });

  it('adds child fields and logs errors by name and message, without the stack', () => {
    const lines: string[] = [];
    createLogger('debug', (l) => lines.push(l))
      .child({ service: 'gateway' })
      .error('failed', { error: new TypeError('boom') });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      service: 'gateway',
      error: { name: 'TypeError', message: 'boom' },
    });
    expect(lines[0]).not.toContain('at ');
  });

  it('logs nested errors and errors in child fields the same way, and nothing else per line', () => {
    const lines: string[] = [];
    const cause = Object.assign(new Error('down'), { body: 'account 12345678' });
    createLogger('info', (l) => lines.push(l))
      .child({ service: 'accounts', first: new RangeError('early') })
      .info('retry', { attempts: [{ error: cause }], detail: { cause } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).not.toContain('12345678');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(
      ['attempts', 'detail', 'first', 'level', 'msg', 'service', 'time'].sort(),
    );
    expect(line).toMatchObject({
      level: 'info',
      first: { name: 'RangeError', message: 'early' },
      attempts: [{ error: { name: 'Error', message: 'down' } }],
      detail: { cause: { name: 'Error', message: 'down' } },
    });
  });
});

describe('Prometheus registry (prom-client behind our facade)', () => {
  it('renders counters with escaped labels, cumulative histogram buckets and a gauge', async () => {
    const r = new Registry();
    const c = r.counter('x_total', 'Xs', ['kind']);
    c.inc({ kind: 'a"b\\c\nd' });
    c.inc({ kind: 'a"b\\c\nd' }, 2);
    const h = r.histogram('y_seconds', 'Ys', ['route'], [0.1, 1]);
    h.observe({ route: '/g' }, 0.05);
    h.observe({ route: '/g' }, 0.5);
    h.observe({ route: '/g' }, 5);
    const g = r.gauge('z_now', 'Zs');
    g.inc(3);
    g.dec();
    expect(await r.render()).toBe(
      [
        '# HELP x_total Xs',
        '# TYPE x_total counter',
        'x_total{kind="a\\"b\\\\c\\nd"} 3',
        '',
        '# HELP y_seconds Ys',
        '# TYPE y_seconds histogram',
        'y_seconds_bucket{le="0.1",route="/g"} 1',
        'y_seconds_bucket{le="1",route="/g"} 2',
        'y_seconds_bucket{le="+Inf",route="/g"} 3',
        'y_seconds_sum{route="/g"} 5.55',
        'y_seconds_count{route="/g"} 3',
        '',
        '# HELP z_now Zs',
        '# TYPE z_now gauge',
        'z_now 2',
        '',
      ].join('\n'),
    );
    expect(await c.get({ kind: 'a"b\\c\nd' })).toBe(3);
    expect(await c.get({ kind: 'other' })).toBe(0);
    expect(await g.get()).toBe(2);
  });

  it('returns the same metric when a name is registered twice', () => {
    const r = new Registry();
    expect(r.counter('z_total', 'Z', [])).toBe(r.counter('z_total', 'Z', []));
  });
});
