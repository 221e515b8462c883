import { useState, type FormEvent } from 'react';
import { createConsoleClient, errorMessage } from '../api';

/** Asks for an API key and checks it against the API before keeping it. */
export function SignInPage({ onSignIn }: { onSignIn: (apiKey: string) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = apiKey.trim();
    setChecking(true);
    setProblem(null);
    try {
      // Any key may list applications (an application key sees its own): a cheap check that it works.
      await createConsoleClient(key).applications.list.query({ limit: 1 });
      onSignIn(key);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Hookline console</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" className="muted">
          An admin key sees every application; an application key only its own. The key is kept in this tab until you
          sign out.
        </p>
        <button type="submit" disabled={checking}>
          {checking ? 'Signing in…' : 'Sign in'}
        </button>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
