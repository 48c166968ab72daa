/* global document, fetch, Worker */
// The playground page's only script, bundled by ../assets.ts with esbuild. Plain JS because
// it runs in the browser and the project's TypeScript setup has no DOM types.
import { createElement as h, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { parse } from 'graphql';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import consentDashboard from '../../../client/operations/ConsentDashboard.graphql';
import listConsents from '../../../client/operations/ListConsents.graphql';
import me from '../../../client/operations/Me.graphql';

const config = JSON.parse(document.getElementById('playground-config').textContent);

// Monaco's language workers come from the gateway too, never from a CDN.
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const name = label === 'json' || label === 'graphql' ? label : 'editor';
    return new Worker(`${config.assetsPath}/${name}.worker.js`);
  },
};

// GraphiQL's operation name can lag behind a tab switch, so a quick run sends one tab's
// document with the previous tab's name. Drop a name the document does not define.
function definedOperationNames(query) {
  try {
    return parse(query)
      .definitions.filter((d) => d.kind === 'OperationDefinition' && d.name)
      .map((d) => d.name.value);
  } catch {
    return null;
  }
}

const fetcher = async (rawParams, options) => {
  const names = rawParams.operationName ? definedOperationNames(rawParams.query) : null;
  const params =
    names && !names.includes(rawParams.operationName)
      ? { ...rawParams, operationName: undefined }
      : rawParams;
  const res = await fetch(config.graphqlPath, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options && options.headers),
    },
    body: JSON.stringify(params),
  });
  return res.json();
};

const bearer = (token) =>
  JSON.stringify({ Authorization: `Bearer ${token || '<paste an access token>'}` }, null, 2);

// Each example runs with the token it needs: the client app's own token lists its
// consents; the consent-bound token reads the PSU's data.
function exampleTabs(session) {
  return [
    { query: listConsents, headers: bearer(session && session.clientToken) },
    {
      query: consentDashboard,
      variables: JSON.stringify({ consentId: session ? session.consentId : '' }, null, 2),
      headers: bearer(session && session.consentToken),
    },
    { query: me, headers: bearer(session && session.consentToken) },
  ];
}

// In-memory tab storage: tokens are short-lived, so every load starts from the examples.
function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    get length() {
      return items.size;
    },
  };
}

function Editor({ session }) {
  const storage = useMemo(() => memoryStorage(), []);
  const tabs = exampleTabs(session);
  // GraphiQL fills the first tab's editors from the initial* props, not from defaultTabs.
  return h(GraphiQL, {
    fetcher,
    storage,
    defaultTabs: tabs,
    initialQuery: tabs[0].query,
    initialVariables: tabs[0].variables,
    initialHeaders: tabs[0].headers,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
  });
}

function Playground() {
  const [session, setSession] = useState(null);
  const [status, setStatus] = useState(
    config.sandboxTokenPath
      ? 'No token yet: get a sandbox token, or paste your own into Headers.'
      : 'Paste an access token into Headers.',
  );
  async function getSandboxToken() {
    setStatus('Running the demo consent flow…');
    try {
      // The CSRF token the page was given; the browser adds the matching cookie itself.
      const res = await fetch(config.sandboxTokenPath, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-csrf-token': config.csrfToken },
      });
      const body = await res.json();
      if (!res.ok) throw new Error((body.errors && body.errors[0].message) || res.statusText);
      setSession(body);
      setStatus(
        `Sandbox tokens for ${body.client} acting for ${body.psu}; consent ${body.consentId}`,
      );
    } catch (e) {
      setStatus(`Could not get a sandbox token: ${e.message}`);
    }
  }
  return h(
    'div',
    { className: 'lg-page' },
    h(
      'header',
      { className: 'lg-bar' },
      h('strong', null, 'Ledgergraph playground'),
      config.sandboxTokenPath &&
        h(
          'button',
          { id: 'sandbox-token', type: 'button', onClick: getSandboxToken },
          'Get sandbox token',
        ),
      h('span', { id: 'token-status', role: 'status' }, status),
    ),
    h(
      'main',
      { className: 'lg-editor' },
      h(Editor, { key: session ? session.consentId : 'none', session }),
    ),
  );
}

createRoot(document.getElementById('root')).render(h(Playground));
