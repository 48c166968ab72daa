import { esc } from './layout.ts';

export interface LinkableBankView {
  id: string;
  name: string;
}

/**
 * Choose a bank, then go to its own login page: a form of radio buttons and one button,
 * posted with the page's CSRF token. Shared by the dashboard and the consent screen.
 */
export function linkBankForm(o: {
  action: string;
  csrf: string;
  banks: LinkableBankView[];
  legend: string;
  button: string;
  /** secondary beside a page's main decision (the consent screen). */
  emphasis?: 'primary' | 'secondary';
}): string {
  if (!o.banks.length) return '<p>No bank can be linked at the moment.</p>';
  const choices = o.banks
    .map(
      (b, i) => `<label class="choice" for="bank-${i}">
<input type="radio" id="bank-${i}" name="bank" value="${esc(b.id)}" required${i === 0 ? ' checked' : ''}>
<span>${esc(b.name)}</span></label>`,
    )
    .join('\n');
  return `<form method="post" action="${esc(o.action)}">
<input type="hidden" name="csrf" value="${esc(o.csrf)}">
<fieldset>
<legend>${esc(o.legend)}</legend>
${choices}
</fieldset>
<p class="muted">You sign in on your bank's own page; Ledgergraph never sees your bank password. Your bank then sends you back here.</p>
<div class="actions"><button type="submit" class="${o.emphasis ?? 'primary'}">${esc(o.button)}</button></div>
</form>`;
}
