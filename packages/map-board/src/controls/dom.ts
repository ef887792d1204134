/**
 * The only way the board puts text on the page: text nodes and `textContent`. Nothing here
 * (or anywhere in the board) assigns `innerHTML`, so a description such as
 * `<img src=x onerror=alert(1)>` is shown as those characters and never parsed.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Attributes, set with `setAttribute` (values are never parsed as HTML). */
  attrs?: Record<string, string>;
  /** Event listeners. */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

/**
 * Creates an element with text children.
 *
 * @example
 * h('li', { class: 'row', attrs: { role: 'option' } }, h('b', {}, incident.number), ' ', incident.description);
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) el.setAttribute(name, value);
  if (props.on) {
    for (const [type, listener] of Object.entries(props.on)) {
      el.addEventListener(type, listener as EventListener);
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Sets an element's text only when it changed: the panel and the header update every second,
 * and an unchanged write would still cost a layout on a 10,000-incident board.
 *
 * @example
 * setText(cell, formatRemaining(ms));
 */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Adds or removes a class only when needed. */
export function toggleClass(el: Element, name: string, on: boolean): void {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}
