/** A CLI failure for the operator, with any URL (a connection string can carry a password) blanked out. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof (error as { code?: unknown })?.code === 'string' ? ` (${(error as { code: string }).code})` : '';
  return `${message.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')}${code}`;
}
