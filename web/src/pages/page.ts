import type { Api } from '../api.js';
import type { Session } from '../session.js';

export interface PageContext {
  api: Api;
  session: Session;
  navigate(path: string): void;
}

/** A rendered page; `show` runs every time it is shown, `dispose` when it is dropped. */
export interface Page {
  element: HTMLElement;
  show?(params: URLSearchParams): void;
  dispose?(): void;
}

export interface PageDefinition {
  path: string;
  label: string;
  create(context: PageContext): Page;
  /** Kept while signed in, so a half-written prompt and its results survive a visit elsewhere. */
  keepAlive?: boolean;
}
