// The API key lives in sessionStorage: it survives a reload, not the closing of the tab, and sign-out
// removes it. The console never stores it anywhere else.
const storageKey = 'hookline.apiKey';

export function readApiKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function saveApiKey(apiKey: string): void {
  sessionStorage.setItem(storageKey, apiKey);
}

export function clearApiKey(): void {
  sessionStorage.removeItem(storageKey);
}
