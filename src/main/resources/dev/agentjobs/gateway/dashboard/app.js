// The agentjobs dashboard: plain JavaScript, no build step. One EventSource on /events feeds every job
// (browsers allow about six connections per origin, so never one stream per job). The browser resumes it
// with Last-Event-ID by itself; after a gateway restart the gateway answers with a snapshot, and jobs the
// page knows but the snapshot lacks are asked for by id, which makes the new gateway watch them again.
'use strict';

(function () {
  const jobs = new Map();          // id -> {job, at, order, retrying}
  let order = 0;
  let source = null;
  let connects = 0;

  const $ = (id) => document.getElementById(id);

  function setConn(state) {
    const el = $('conn');
    el.textContent = state;
    el.className = 'conn conn-' + state;
  }

  async function api(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    if (res.status === 401) {
      showLogin();
    }
    return { status: res.status, data };
  }

  function showLogin() {
    if (source) { source.close(); source = null; }
    setConn('offline');
    $('app').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('token').focus();
  }

  function showApp(authRequired) {
    $('login').hidden = true;
    $('app').hidden = false;
    $('logout').hidden = !authRequired;
    connect();
  }

  function connect() {
    if (source) { source.close(); }
    setConn('reconnecting');
    source = new EventSource('/events');
    source.onopen = () => {
      connects += 1;
      $('conn').dataset.connects = String(connects);
      setConn('live');
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Not a stream (401, 429, 5xx): EventSource gave up. Find out whether a login is needed, else retry.
        setConn('offline');
        api('GET', '/session').then(({ data }) => {
          if (data && data.authRequired && !data.authenticated) { showLogin(); } else { setTimeout(connect, 3000); }
        }, () => setTimeout(connect, 3000));
      } else {
        setConn('reconnecting');
      }
    };
    for (const kind of ['created', 'status_changed', 'pr_linked', 'terminal']) {
      source.addEventListener(kind, (e) => { const ev = JSON.parse(e.data); upsert(ev.job, ev.at); });
    }
    source.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
    source.addEventListener('retrying', (e) => markRetrying(JSON.parse(e.data).jobId, true));
    source.addEventListener('resumed', (e) => markRetrying(JSON.parse(e.data).jobId, false));
  }

  function onSnapshot(snapshot) {
    const listed = new Set();
    for (const ev of snapshot.jobs) {
      listed.add(ev.jobId);
      upsert(ev.job, ev.at);
    }
    // A restarted gateway without a ledger does not know our jobs: asking for one makes it watch it again.
    for (const [id, entry] of jobs) {
      if (!listed.has(id) && !isTerminal(entry.job.status)) {
        api('GET', '/jobs/' + encodeURIComponent(id)).then(({ status, data }) => {
          if (status === 200) { upsert(data, new Date().toISOString()); }
        });
      }
    }
  }

  function isTerminal(status) {
    return status === 'completed' || status === 'failed' || status === 'archived';
  }

  function upsert(job, at) {
    if (!job || !job.id) { return; }
    let entry = jobs.get(job.id);
    if (!entry) {
      entry = { order: ++order, retrying: false, el: createRow(job.id) };
      jobs.set(job.id, entry);
    }
    entry.job = job;
    entry.at = at;
    render(entry);
  }

  function markRetrying(id, on) {
    const entry = jobs.get(id);
    if (entry) { entry.retrying = on; render(entry); }
  }

  function createRow(id) {
    const el = $('job-template').content.firstElementChild.cloneNode(true);
    el.dataset.jobId = id;
    el.querySelector('.job-id').textContent = id;
    const form = el.querySelector('.follow-up');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const input = form.querySelector('input');
      const error = form.querySelector('.error');
      error.hidden = true;
      const { status, data } = await api('POST', '/jobs/' + encodeURIComponent(id) + '/messages',
        { prompt: input.value });
      if (status === 200) {
        input.value = '';
        upsert(data, new Date().toISOString());
      } else if (status !== 401) {
        error.textContent = (data && data.error) || ('failed: HTTP ' + status);
        error.hidden = false;
      }
    });
    return el;
  }

  function render(entry) {
    const { job, el } = entry;
    const badge = el.querySelector('.badge');
    badge.textContent = job.status;
    badge.className = 'badge status-' + job.status;
    el.dataset.status = job.status;
    const pr = el.querySelector('.pr');
    if (job.prLink && /^https?:\/\//.test(job.prLink)) {
      pr.href = job.prLink;
      pr.textContent = 'PR ' + job.prLink.replace(/^.*\/pull\//, '#');
      pr.hidden = false;
    } else {
      pr.hidden = true;
    }
    el.querySelector('.retrying').hidden = !entry.retrying;
    el.querySelector('.created').textContent = job.createdAt ? 'created ' + time(job.createdAt) : '';
    el.querySelector('.updated').textContent = entry.at ? 'updated ' + time(entry.at) : '';
    place();
  }

  function time(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleString();
  }

  function place() {
    const list = $('jobs');
    const sorted = [...jobs.values()].sort((a, b) => sortKey(b) - sortKey(a));
    sorted.forEach((entry, i) => {
      if (list.children[i] !== entry.el) { list.insertBefore(entry.el, list.children[i] || null); }
    });
    $('empty').hidden = jobs.size > 0;
  }

  function sortKey(entry) {
    const t = entry.job.createdAt ? Date.parse(entry.job.createdAt) : NaN;
    return isNaN(t) ? entry.order : t + entry.order / 1e6;
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const { status, data } = await api('POST', '/login', { token: $('token').value });
    $('token').value = '';
    if (status === 204) {
      $('login-error').hidden = true;
      showApp(true);
    } else {
      $('login-error').textContent = (data && data.error) || ('login failed: HTTP ' + status);
      $('login-error').hidden = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    await api('POST', '/logout');
    showLogin();
  });

  $('submit-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = $('submit');
    const error = $('submit-error');
    button.disabled = true;
    error.hidden = true;
    try {
      const { status, data } = await api('POST', '/jobs', { prompt: $('prompt').value });
      if (status === 201) {
        $('prompt').value = '';
        upsert(data, new Date().toISOString());
      } else if (status !== 401) {
        error.textContent = (data && data.error) || ('failed: HTTP ' + status);
        error.hidden = false;
      }
    } finally {
      button.disabled = false;
    }
  });

  api('GET', '/session').then(({ data }) => {
    if (data && data.authRequired && !data.authenticated) { showLogin(); } else { showApp(data && data.authRequired); }
  }, () => setConn('offline'));
})();
