// A device's telemetry (RSSI, free heap) as two small SVG line charts; no library.

import { h, mount } from '../ui/dom.js';

const W = 320;
const H = 80;

/** Points for an SVG polyline: x by time, y scaled between the series' min and max. */
export function polylinePoints(samples, key) {
  const points = samples.filter((s) => s[key] != null).map((s) => [Date.parse(s.at), s[key]]);
  if (points.length === 0) return '';
  const [t0, t1] = [points[0][0], points.at(-1)[0]];
  const values = points.map((p) => p[1]);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return points.map(([t, v]) => {
    const x = t1 === t0 ? W / 2 : ((t - t0) / (t1 - t0)) * W;
    const y = hi === lo ? H / 2 : H - ((v - lo) / (hi - lo)) * H;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  }).join(' ');
}

function chart(label, samples, key, unit, testid) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', String(H));
  svg.setAttribute('role', 'img');
  const values = samples.map((s) => s[key]).filter((v) => v != null);
  const last = values.at(-1);
  svg.setAttribute('aria-label', `${label}: ${last ?? '—'} ${unit}`);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', polylinePoints(samples, key));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '2');
  line.setAttribute('data-testid', `${testid}-line`);
  svg.append(line);
  return h('figure', { class: 'telemetry-chart', 'data-testid': testid, 'data-points': values.length },
    h('figcaption', {}, `${label}: `, h('strong', {}, last != null ? `${last} ${unit}` : '—'),
      values.length ? h('span', { class: 'muted' }, ` (${Math.min(...values)} … ${Math.max(...values)})`) : null),
    svg);
}

/** A section that loads and draws the device's last 24 h of telemetry. */
export function telemetrySection(ctx, deviceId) {
  const { t } = ctx;
  const body = h('div', { class: 'row wrap', id: 'telemetry', 'data-testid': 'telemetry' });
  const section = h('section', { 'aria-labelledby': 'telemetry-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'telemetry-title' }, t('telemetry.title')),
      h('button', { type: 'button', class: 'btn small', 'data-testid': 'telemetry-refresh', onclick: () => load() }, t('webhooks.refresh'))),
    body);
  async function load() {
    try {
      const samples = await ctx.api.telemetry(deviceId);
      if (!samples.length) { mount(body, h('p', { class: 'muted' }, t('telemetry.empty'))); return; }
      mount(body, chart(t('telemetry.rssi'), samples, 'rssi', 'dBm', 'telemetry-rssi'),
        chart(t('telemetry.freeHeap'), samples, 'free_heap', 'B', 'telemetry-heap'));
    } catch { mount(body, h('p', { class: 'muted' }, t('telemetry.empty'))); }
  }
  load();
  return section;
}
