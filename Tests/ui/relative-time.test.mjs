import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshRelativeTimes } from '../../Sources/App/Public/js/ui/relative-time.js';

/** Just enough of a DOM: elements with a datetime attribute and a text. */
function fakeRoot(isoTimes) {
  const els = isoTimes.map((iso) => ({ textContent: 'stale', getAttribute: (n) => (n === 'datetime' ? iso : null) }));
  return { els, querySelectorAll: (sel) => (sel === 'time[data-relative]' ? els : []) };
}

test('relative times are re-written from their datetime, in the current language', () => {
  const now = Date.now();
  const root = fakeRoot([new Date(now - 5_000).toISOString(), new Date(now - 3 * 60_000).toISOString(), '']);
  refreshRelativeTimes('en', root);
  assert.match(root.els[0].textContent, /^(5|6) seconds ago$/);
  assert.equal(root.els[1].textContent, '3 minutes ago');
  assert.equal(root.els[2].textContent, 'stale', 'an element without a time is left alone');
  refreshRelativeTimes('pt-BR', root);
  assert.equal(root.els[1].textContent, 'há 3 minutos');
});
