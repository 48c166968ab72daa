import { esc, page } from './layout.ts';

export interface SignInView {
  action: string;
  csrf: string;
  clientName: string;
  username?: string;
  error?: string;
  /** Why to sign in, when not for a client app's request (the dashboard, the console). */
  lead?: string;
}

/** PSU sign-in: username, password and the authenticator app's one-time code, on one form. */
export function signInPage(v: SignInView): string {
  const error = v.error
    ? `<p class="error" role="alert" id="signin-error">${esc(v.error)}</p>`
    : '';
  const described = v.error ? ' aria-describedby="signin-error"' : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">${
      v.lead
        ? esc(v.lead)
        : `<strong>${esc(v.clientName)}</strong> asks to see some of your bank data.
Sign in to Ledgergraph to review the request.`
    }</p>
${error}
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none"
 spellcheck="false" required value="${esc(v.username)}"${described}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<label for="otp">One-time code <span class="hint">The 6 digits your authenticator app shows now.</span></label>
<input type="text" id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
 autocomplete="one-time-code" required>
<div class="actions">
<button type="submit" class="primary">Sign in</button>
</div>
</form>`,
  );
}
