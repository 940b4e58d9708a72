// Follows the gateway with the npm `eventsource` client (the WHATWG EventSource for node), printing one JSON
// line per thing seen, for EventSourceNpmClientTest to check. A custom fetch adds the Bearer token (EventSource
// itself cannot) and logs every request's Last-Event-ID and status, so the test sees the client's reconnects.
//   node eventsource-check.mjs job  BASE TOKEN JOB_ID   read one event, close, resume from its id by hand,
//                                                       then let the client reconnect by itself after terminal
//   node eventsource-check.mjs feed BASE TOKEN          follow /events until stdin closes
import { EventSource } from 'eventsource';
import { createInterface } from 'node:readline';

const [mode, base, token, jobId] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const KINDS = ['created', 'status_changed', 'pr_linked', 'terminal', 'snapshot', 'retrying', 'resumed'];

function open(url, firstLastEventId) {
  let first = true;
  const es = new EventSource(url, {
    fetch: async (input, init) => {
      const headers = { ...(init.headers || {}), Authorization: 'Bearer ' + token };
      if (first && firstLastEventId) {
        headers['Last-Event-ID'] = firstLastEventId;
      }
      first = false;
      const res = await fetch(input, { ...init, headers });
      print({ type: 'fetch', lastEventId: headers['Last-Event-ID'] || null, status: res.status });
      return res;
    },
  });
  return es;
}

function listen(es, onEvent) {
  for (const kind of KINDS) {
    es.addEventListener(kind, (e) => {
      print({ type: 'event', event: kind, id: e.lastEventId || null, data: JSON.parse(e.data) });
      onEvent(kind, e);
    });
  }
}

if (mode === 'job') {
  const url = base + '/jobs/' + jobId + '/events';
  const es1 = open(url, null);
  let resumed = false;
  listen(es1, (kind, e) => {
    if (resumed) {
      return;
    }
    resumed = true;
    es1.close();
    const es2 = open(url, e.lastEventId);
    listen(es2, () => {});
    es2.onerror = () => {
      if (es2.readyState === EventSource.CLOSED) {
        print({ type: 'closed' });
        process.exit(0);
      }
    };
  });
} else if (mode === 'feed') {
  const es = open(base + '/events', null);
  listen(es, () => {});
  createInterface({ input: process.stdin }).on('close', () => {
    es.close();
    print({ type: 'closed' });
    process.exit(0);
  });
} else {
  console.error('usage: eventsource-check.mjs job|feed BASE TOKEN [JOB_ID]');
  process.exit(2);
}
setTimeout(() => { print({ type: 'timeout' }); process.exit(3); }, 60000);
