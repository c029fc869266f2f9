/**
 * Who is signed in. The key lives in sessionStorage: it survives reloads of this tab and is gone when
 * the tab closes, and other sites cannot read it.
 */
export interface Session {
  key: string;
  admin: boolean;
  /** The key's own id and name (not for the admin key, which has neither). */
  keyId?: string;
  keyName?: string;
}

const STORAGE_KEY = 'pixelrouter.session';

export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return stored && typeof stored.key === 'string' ? stored : null;
  } catch {
    return null;
  }
}

export const saveSession = (session: Session) => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
export const clearSession = () => sessionStorage.removeItem(STORAGE_KEY);
