import os from 'node:os';

/** Everything the CLI reads from its environment; the rest of the code receives it as a value. */
export type CliEnv = {
  /** HOOKLINE_URL: the API's base URL; overrides `hookline login`. */
  url: string | undefined;
  /** HOOKLINE_API_KEY: overrides `hookline login`. */
  apiKey: string | undefined;
  /** Where `hookline login` stores its file. */
  configDir: string;
};

/**
 * HOOKLINE_CONFIG_DIR wins (tests, several profiles); otherwise the platform's user config directory:
 * $XDG_CONFIG_HOME/hookline, ~/.config/hookline, or %APPDATA%\hookline on Windows.
 */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.HOOKLINE_CONFIG_DIR) return env.HOOKLINE_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return `${env.APPDATA}\\hookline`;
  return `${env.XDG_CONFIG_HOME || `${os.homedir()}/.config`}/hookline`;
}

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  return {
    url: env.HOOKLINE_URL || undefined,
    apiKey: env.HOOKLINE_API_KEY || undefined,
    configDir: configDir(env),
  };
}
