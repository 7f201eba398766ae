// Hash routes → named views. Pure so the table is testable.
//   #/login  #/register  #/devices  #/devices/12  #/devices/12/firmware  #/jobs?device=12&status=failed  #/jobs/7

const TABLE = [
  [/^\/login$/, 'login', []],
  [/^\/register$/, 'register', []],
  [/^\/devices$/, 'devices', []],
  [/^\/devices\/(\d+)$/, 'device', ['id']],
  [/^\/devices\/(\d+)\/firmware$/, 'deviceFirmware', ['id']],
  [/^\/jobs$/, 'jobs', []],
  [/^\/jobs\/(\d+)$/, 'job', ['id']],
  [/^\/recipes$/, 'recipes', []],
  [/^\/webhooks$/, 'webhooks', []],
  [/^\/audit$/, 'audit', []],
];

/** Routes reachable without a session. */
export const PUBLIC_ROUTES = Object.freeze(['login', 'register']);

/** Parses `location.hash`; unknown paths give `{name: 'notFound'}`, empty gives devices. */
export function parseRoute(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/devices';
  const [path, qs = ''] = raw.split('?', 2);
  const query = Object.fromEntries(new URLSearchParams(qs));
  for (const [re, name, keys] of TABLE) {
    const m = re.exec(path);
    if (m) {
      const params = {};
      keys.forEach((k, i) => { params[k] = Number(m[i + 1]); });
      return { name, params, query };
    }
  }
  return { name: 'notFound', params: {}, query };
}

/** Builds a hash for a route: href('device', {id: 3}) → "#/devices/3". */
export function href(name, params = {}, query = {}) {
  const paths = {
    login: '/login', register: '/register', devices: '/devices', jobs: '/jobs', recipes: '/recipes', webhooks: '/webhooks', audit: '/audit',
    device: `/devices/${params.id}`, job: `/jobs/${params.id}`, deviceFirmware: `/devices/${params.id}/firmware`,
  };
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return `#${paths[name] ?? '/devices'}${q ? `?${q}` : ''}`;
}
