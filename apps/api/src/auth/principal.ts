/** Who is calling: an admin may touch every application, an application key only its own. */
export type Principal = { kind: 'admin' } | { kind: 'application'; appId: string };
