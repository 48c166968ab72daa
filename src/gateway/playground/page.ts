export interface PageConfig {
  graphqlPath: string;
  assetsPath: string;
  /** Present only when the sandbox token endpoint is on. */
  sandboxTokenPath?: string;
  /** The CSRF token the page's script sends with the sandbox token request (guard.ts). */
  csrfToken?: string;
}

// Everything comes from this origin; inline styles only because Monaco injects its own.
export const playgroundCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** `<` escaped so the JSON cannot close the script element it sits in. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function playgroundPage(config: PageConfig, fingerprint: string): string {
  const asset = (name: string) => `${config.assetsPath}/${name}?v=${fingerprint}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgergraph playground</title>
<link rel="stylesheet" href="${asset('main.css')}">
<style>
  html, body, #root { height: 100%; margin: 0; }
  .lg-page { display: flex; flex-direction: column; height: 100%; font-family: system-ui, sans-serif; }
  .lg-bar { display: flex; gap: 1rem; align-items: center; padding: 0.5rem 1rem; border-bottom: 1px solid #ddd; }
  .lg-bar button { padding: 0.3rem 0.8rem; cursor: pointer; }
  #token-status { color: #555; font-size: 0.9rem; }
  .lg-editor { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="root"></div>
<script id="playground-config" type="application/json">${inlineJson(config)}</script>
<script type="module" src="${asset('main.js')}"></script>
</body>
</html>
`;
}
