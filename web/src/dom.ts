/** A tiny element builder: enough structure for a dashboard without a framework. */
export type Child = Node | string | number | null | undefined | false;
export type Props = Record<string, unknown> | null;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `on*` functions become listeners, `true` an empty attribute; null, undefined and false are left out. */
function applyProps(element: Element, props: Props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Element, children: Array<Child | Child[]>) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = null, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = null, ...children: Array<Child | Child[]>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Array<Child | Child[]>) {
  parent.replaceChildren();
  append(parent, children);
}

let lastId = 0;
/** A page-unique id, to tie labels to inputs. */
export const uid = (prefix: string) => `${prefix}-${++lastId}`;

/** A labelled form control: the label's `for` names the control, so both are announced together. */
export function field(labelText: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) {
  if (!control.id) control.id = uid('field');
  const hintElement = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintElement);
}

/** A message area that screen readers announce when its text changes. */
export function statusLine(kind: 'status' | 'alert' = 'status') {
  const element = h('p', { class: 'message', role: kind, hidden: true, tabindex: -1 });
  return {
    element,
    show(text: string, tone: 'ok' | 'error' | 'info' = kind === 'alert' ? 'error' : 'ok') {
      element.textContent = text;
      element.className = `message ${tone}`;
      element.hidden = false;
    },
    clear() {
      element.textContent = '';
      element.hidden = true;
    },
  };
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A table's header row; the `numeric` columns are right-aligned like their numbers. */
export const tableHead = (columns: string[], numeric: string[] = []) =>
  h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: numeric.includes(c) ? 'number' : null }, c))));
