import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, href } from '../../Sources/App/Public/js/core/routes.js';
import { MESSAGES } from '../../Sources/App/Public/js/core/messages.js';

test('a device firmware page has its own route', () => {
  assert.deepEqual(parseRoute('#/devices/12/firmware'), { name: 'deviceFirmware', params: { id: 12 }, query: {} });
  assert.equal(href('deviceFirmware', { id: 12 }), '#/devices/12/firmware');
  assert.equal(parseRoute('#/devices/12/firmware/3').name, 'notFound');
});

test('every update state the server reports has a label in both languages', () => {
  for (const state of ['offered', 'downloading', 'verified', 'installing', 'confirmed', 'failed', 'rolled_back', 'timed_out', 'superseded']) {
    for (const lang of ['pt-BR', 'en']) assert.ok(`fwState.${state}` in MESSAGES[lang], `${lang} fwState.${state}`);
  }
});

test('the re-delivery mark names the count', () => {
  assert.match(MESSAGES['pt-BR']['job.redelivered'], /\{n\}/);
  assert.match(MESSAGES.en['job.redelivered'], /\{n\}/);
});
