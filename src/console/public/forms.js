// Errors shown next to what caused them: each form (or inline action) has its own error line.
import { h } from './dom.js';

/** The `.form-error` line at the end of `el`, made on first use. */
export function errorSlot(el) {
  let slot = el.querySelector(':scope > .form-error');
  if (!slot) {
    slot = h('p.form-error', { role: 'alert', hidden: true });
    el.append(slot);
  }
  return slot;
}

export function showError(el, err) {
  const slot = errorSlot(el);
  slot.textContent = err ? String(err.message ?? err) : '';
  slot.hidden = !err;
}

/** Runs `fn`; a failure shows in `el`'s error line, and the next try clears it. */
export async function guard(el, fn) {
  showError(el, null);
  try {
    await fn();
  } catch (err) {
    showError(el, err);
  }
}
