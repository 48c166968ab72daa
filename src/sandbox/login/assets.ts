/** The pages' only stylesheet, served by the bank itself (no third-party assets). */
export const bankCss = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --brand: #0b5c4b; --line: #c9d1d9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f3f5f7; }
header { background: var(--brand); color: #fff; padding: 0.9rem 1.5rem; }
header p { margin: 0; font-weight: 700; letter-spacing: 0.02em; }
main { max-width: 32rem; margin: 2rem auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem 2rem 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
p.lead { color: var(--muted); margin-top: 0; }
label { display: block; font-weight: 600; margin: 1rem 0 0.25rem; }
input[type=text], input[type=password] { width: 100%; padding: 0.6rem; font-size: 1rem; border: 1px solid #6b7785; border-radius: 4px; }
input:focus-visible, button:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0; padding: 0.5rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 0.3rem; }
fieldset label { font-weight: 400; display: flex; gap: 0.5rem; align-items: center; margin: 0.5rem 0 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; margin: 1rem 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
button { font-size: 1rem; padding: 0.65rem 1.4rem; border-radius: 4px; border: 2px solid var(--brand); cursor: pointer; }
button.primary { background: var(--brand); color: #fff; }
button.secondary { background: #fff; color: var(--brand); }
.error { border-left: 4px solid #b42318; background: #fdecea; padding: 0.6rem 0.9rem; margin: 1rem 0; }
.hint { color: var(--muted); font-size: 0.9rem; }
`;
