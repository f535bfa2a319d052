// Building the page without innerHTML: every text from the API goes in through text nodes, so nothing it says is
// ever parsed as markup.

/**
 * Creates an element. props: class, text, on (events), and any attribute (for, type, href, aria-*, ...);
 * true adds a boolean attribute, false/null/undefined leaves it out. Children: nodes, strings (as text), arrays, null.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'on') for (const [name, fn] of Object.entries(value)) el.addEventListener(name, fn);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let ids = 0;
/** A fresh id for label/input pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

/** A labelled form field: the label is tied to the control, so screen readers and clicks find it. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = uid();
  const hintEl = hint ? h('small', { class: 'hint', id: `${control.id}-hint`, text: hint }) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: labelText }), control, hintEl);
}

/**
 * The place where an action's error is shown, next to what failed: a live region that says the API's own words
 * (the ProblemDetails detail), never a raw body.
 */
export function errorBox() {
  const box = h('p', { class: 'error', role: 'alert', hidden: true });
  box.show = (error) => {
    box.textContent = error?.message || String(error);
    box.hidden = false;
  };
  box.clear = () => {
    box.textContent = '';
    box.hidden = true;
  };
  return box;
}

/** A status line for successes (polite, not an alert). */
export function statusBox() {
  const box = h('p', { class: 'status', role: 'status' });
  box.say = (text) => { box.textContent = text; };
  return box;
}

/**
 * Runs an action for a button: disables it while running (no double draw on a double click), clears and fills the
 * error box. Returns what the action returned, or undefined when it failed.
 */
export async function busy(button, box, action) {
  if (button) button.disabled = true;
  box?.clear();
  try {
    return await action();
  } catch (error) {
    if (box) box.show(error);
    else throw error;
    return undefined;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

/** A key/value list (dl) of facts. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v ?? '—')]));
}

/** A plate number as shown on the plate: 冀A·D12345. */
export function plateText(plate) {
  return plate && plate.length > 2 ? `${plate.slice(0, 2)}·${plate.slice(2)}` : plate ?? '';
}

/** A time in Beijing time, as offices and citizens read it. */
export function beijing(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
