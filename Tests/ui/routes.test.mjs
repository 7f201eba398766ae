import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, href } from '../../Sources/App/Public/js/core/routes.js';

test('hash routes', () => {
  assert.deepEqual(parseRoute('#/login'), { name: 'login', params: {}, query: {} });
  assert.deepEqual(parseRoute('#/devices/12'), { name: 'device', params: { id: 12 }, query: {} });
  assert.deepEqual(parseRoute('#/jobs?device=3&status=failed'), { name: 'jobs', params: {}, query: { device: '3', status: 'failed' } });
  assert.deepEqual(parseRoute('#/jobs/7').params, { id: 7 });
  assert.equal(parseRoute('').name, 'devices');
  assert.equal(parseRoute('#').name, 'devices');
  assert.equal(parseRoute('#/devices/abc').name, 'notFound');
  assert.equal(parseRoute('#/devices/1/../2').name, 'notFound');
  assert.equal(parseRoute('#main').name, 'notFound');
});

test('href builds what parseRoute reads', () => {
  assert.equal(href('device', { id: 3 }), '#/devices/3');
  assert.equal(href('jobs', {}, { device: 3, status: '' }), '#/jobs?device=3');
  for (const [name, params, query] of [['device', { id: 9 }, {}], ['jobs', {}, { device: '1', status: 'done' }], ['login', {}, {}]]) {
    const r = parseRoute(href(name, params, query));
    assert.equal(r.name, name);
    assert.deepEqual(r.params, params);
    assert.deepEqual(r.query, query);
  }
});
