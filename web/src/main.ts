import './styles.css';
import { signInPage } from './pages/signIn.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { startShell } from './shell.js';

/** Boots the dashboard: the sign-in form, or the signed-in shell when this tab holds a key. */
const root = document.getElementById('app')!;
let stop: (() => void) | null = null;

function signedIn(session: Session) {
  saveSession(session);
  stop = startShell(root, session, signOut);
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function signOut(notice?: string) {
  stop?.();
  stop = null;
  clearSession();
  showSignIn(notice);
}

function showSignIn(notice?: string) {
  document.title = 'Sign in · pixelrouter';
  root.replaceChildren(signInPage(signedIn, notice));
  root.querySelector<HTMLInputElement>('input')?.focus();
}

const session = loadSession();
if (session) stop = startShell(root, session, signOut);
else showSignIn();
