import { createApi } from './api.js';
import { h } from './dom.js';
import type { Page, PageContext } from './pages/page.js';
import { findRoute, ROUTES } from './routes.js';
import type { Session } from './session.js';

const notFound = (): Page => ({
  element: h('div', { class: 'page' }, h('h1', { tabindex: -1 }, 'Page not found'), h('p', null, h('a', { href: '/' }, 'Go to the Playground'))),
});

/**
 * The signed-in frame: header with navigation and sign-out, and the current page. Navigation is
 * client-side (History API); after it, focus moves to the new page's heading, as a page load would.
 * Returns a function that tears it down.
 */
export function startShell(root: HTMLElement, session: Session, signOut: (notice?: string) => void): () => void {
  const listeners = new AbortController();
  const api = createApi(session.key, (message) => signOut(`Signed out: ${message}`));
  const main = h('main', { id: 'main', class: 'main', tabindex: -1 });
  const links = ROUTES.map((route) => h('a', { href: route.path, class: 'nav-link' }, route.label));
  const header = h('header', { class: 'topbar' },
    h('a', { href: '#main', class: 'skip-link' }, 'Skip to content'),
    h('a', { href: '/', class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }), 'pixelrouter'),
    h('nav', { 'aria-label': 'Dashboard' }, h('ul', null, links.map((link) => h('li', null, link)))),
    h('div', { class: 'who' },
      h('span', { class: 'who-name', title: 'Signed in with' }, session.admin ? 'admin key' : (session.keyName ?? 'API key')),
      h('button', { type: 'button', class: 'secondary small', onclick: () => signOut() }, 'Sign out')));

  const context: PageContext = { api, session, navigate };
  const kept = new Map<string, Page>();
  let current: { page: Page; kept: boolean } | null = null;

  function show(moveFocus: boolean) {
    const url = new URL(location.href);
    const route = findRoute(url.pathname);
    if (current && !current.kept) current.page.dispose?.();
    let page: Page;
    if (!route) page = notFound();
    else if (route.keepAlive) page = kept.get(route.path) ?? kept.set(route.path, route.create(context)).get(route.path)!;
    else page = route.create(context);
    current = { page, kept: Boolean(route?.keepAlive) };
    main.replaceChildren(page.element);
    page.show?.(url.searchParams);
    for (const link of links) {
      if (link.getAttribute('href') === route?.path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${route?.label ?? 'Not found'} · pixelrouter`;
    if (moveFocus) page.element.querySelector<HTMLElement>('h1')?.focus();
  }

  function navigate(path: string) {
    history.pushState(null, '', path);
    show(true);
    window.scrollTo(0, 0);
  }

  // Same-origin links navigate in place; new tabs, downloads and modified clicks stay the browser's.
  root.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute('download') || link.origin !== location.origin || link.getAttribute('href')?.startsWith('#')) return;
    if (link.pathname.startsWith('/storage/')) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  }, { signal: listeners.signal });
  window.addEventListener('popstate', () => show(true), { signal: listeners.signal });

  root.replaceChildren(header, main);
  show(false);
  return () => {
    listeners.abort();
    for (const page of kept.values()) page.dispose?.();
    current?.page.dispose?.();
  };
}
